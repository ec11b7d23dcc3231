"""Words every service shares (DOMAIN.md), one enum each: contracts and domains use the
same classes, so mapping a domain value into an event needs no conversion."""

from __future__ import annotations

from enum import StrEnum


class RegionCode(StrEnum):
    """Two-digit province codes of the national training portal."""

    SEOUL = "11"
    BUSAN = "26"
    DAEGU = "27"
    INCHEON = "28"
    GWANGJU = "29"
    DAEJEON = "30"
    ULSAN = "31"
    SEJONG = "36"
    GYEONGGI = "41"
    CHUNGBUK = "43"
    CHUNGNAM = "44"
    JEONBUK = "45"
    JEONNAM = "46"
    GYEONGBUK = "47"
    GYEONGNAM = "48"
    JEJU = "50"
    GANGWON = "51"


REGIONS: dict[str, str] = {code.value: code.name.title() for code in RegionCode}


class TraineeStatus(StrEnum):
    JOB_SEEKER = "job_seeker"
    EMPLOYED_WORKER = "employed_worker"
    RESIDENT = "resident"


class Track(StrEnum):
    K_DIGITAL_TRAINING = "k_digital_training"
    K_DIGITAL_CREDIT = "k_digital_credit"
    EMPLOYED_UPSKILLING = "employed_upskilling"
    LEARNING_FACTORY = "learning_factory"


class EmploymentInclusion(StrEnum):
    """What a programme's employment figures count besides insured employment."""

    START_UP = "start_up"
    NON_INSURED = "non_insured"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"


class DropReason(StrEnum):
    EMPLOYMENT_BEFORE_COMPLETION = "employment_before_completion"
    PERSONAL = "personal"
    HEALTH = "health"
    ATTENDANCE = "attendance"
    MISCONDUCT = "misconduct"
    OTHER = "other"


class RiskScope(StrEnum):
    MONTH = "month"
    COURSE = "course"


class RiskLevel(StrEnum):
    WARNING = "warning"
    UNREACHABLE = "unreachable"
