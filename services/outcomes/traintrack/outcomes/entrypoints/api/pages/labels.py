"""The dashboard's words, in Korean and English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["ko", "en"]

TEXT: dict[str, dict[Lang, str]] = {
    "title": {"ko": "traintrack 훈련 성과", "en": "traintrack training outcomes"},
    "as_of": {"ko": "기준일", "en": "As known on"},
    "funnel": {"ko": "성과 퍼널", "en": "Funnel"},
    "over_time": {"ko": "과정별 취업률 추이", "en": "Employment rate over time, by cohort"},
    "by_region": {"ko": "지역별 6개월 취업률", "en": "Employment rate at 6 months, by region"},
    "by_institute": {
        "ko": "훈련기관별 6개월 취업률",
        "en": "Employment rate at 6 months, by institute",
    },
    "suppressed": {"ko": "5명 미만 비공개", "en": "fewer than 5: withheld"},
    "protected": {"ko": "비공개 (소규모 항목 보호)", "en": "withheld: protects a small cell"},
    "pending": {"ko": "집계 전", "en": "not yet measured"},
    "no_data": {"ko": "자료 없음", "en": "no data"},
    "people": {"ko": "명", "en": "people"},
    "note": {
        "ko": "5명 미만인 항목과, 다른 공개 수치로 그 값을 역산할 수 있게 하는 항목은 공개하지 "
        "않습니다. 정의: /v1/definitions",
        "en": "Cells about fewer than 5 people are withheld, and so are the cells from which "
        "they could be worked out. Definitions: /v1/definitions",
    },
    "enrolled": {"ko": "등록", "en": "Enrolled"},
    "stage_1": {"ko": "1단계 기초", "en": "Stage 1 foundation"},
    "stage_2": {"ko": "2단계 중급", "en": "Stage 2 intermediate"},
    "stage_3": {"ko": "3단계 실전 프로젝트", "en": "Stage 3 applied project"},
    "stage_4": {"ko": "4단계 현장 준비", "en": "Stage 4 field-ready"},
    "internship": {"ko": "인턴십", "en": "Internship"},
    "employed": {"ko": "취업", "en": "Employed"},
    "3m": {"ko": "3개월", "en": "3 months"},
    "6m": {"ko": "6개월", "en": "6 months"},
}

REGION_KO = {
    "11": "서울", "26": "부산", "27": "대구", "28": "인천", "29": "광주", "30": "대전",
    "31": "울산", "36": "세종", "41": "경기", "43": "충북", "44": "충남", "45": "전북",
    "46": "전남", "47": "경북", "48": "경남", "50": "제주", "51": "강원",
}  # fmt: skip


def t(key: str, lang: Lang) -> str:
    return TEXT[key][lang]
