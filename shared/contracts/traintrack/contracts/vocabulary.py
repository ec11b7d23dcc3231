"""Words every service shares (DOMAIN.md): region codes, trainee statuses."""

from __future__ import annotations

from typing import Literal

# Two-digit province codes of the national training portal.
REGIONS: dict[str, str] = {
    "11": "Seoul",
    "26": "Busan",
    "27": "Daegu",
    "28": "Incheon",
    "29": "Gwangju",
    "30": "Daejeon",
    "31": "Ulsan",
    "36": "Sejong",
    "41": "Gyeonggi",
    "43": "Chungbuk",
    "44": "Chungnam",
    "45": "Jeonbuk",
    "46": "Jeonnam",
    "47": "Gyeongbuk",
    "48": "Gyeongnam",
    "50": "Jeju",
    "51": "Gangwon",
}

RegionCode = Literal[
    "11",
    "26",
    "27",
    "28",
    "29",
    "30",
    "31",
    "36",
    "41",
    "43",
    "44",
    "45",
    "46",
    "47",
    "48",
    "50",
    "51",
]

TraineeStatus = Literal["job_seeker", "employed_worker", "resident"]
