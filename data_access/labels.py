"""Display labels (zh, en) of the schema's enumerations and of the case-list filters.

Plain data, no Dash: the exporters in data_access write these into files, and the
components use them for table cells. Names of places are never translated.
"""

from __future__ import annotations

Label = tuple[str, str]  # (zh, en)

KIND_LABELS: dict[str, Label] = {
    "dispute": ("矛盾纠纷", "Dispute"),
    "petition": ("信访", "Petition"),
    "hotline": ("12345热线", "12345 hotline"),
    "grid_event": ("网格事件", "Grid event"),
}
SOURCE_LABELS: dict[str, Label] = {
    "grid_report": ("网格员上报", "Grid-member report"),
    "walk_in": ("群众来访", "Walk-in"),
    "hotline_12345": ("12345热线", "12345 hotline"),
    "app": ("网上/APP/小程序", "Online / app"),
    "court_referral": ("诉调对接", "Court referral"),
    "police_referral": ("公调对接", "Police referral"),
    "petition_referral": ("访调对接", "Petition-office referral"),
    "assigned": ("上级交办", "Assigned from above"),
}
WARNING_LEVEL_LABELS: dict[str, Label] = {
    "red": ("红色", "Red"),
    "orange": ("橙色", "Orange"),
    "yellow": ("黄色", "Yellow"),
    "green": ("绿色", "Green"),
}
STATUS_LABELS: dict[str, Label] = {
    "accepted": ("已受理", "Accepted"),
    "dispatched": ("已分流", "Dispatched"),
    "in_progress": ("办理中", "In progress"),
    "closed": ("已办结", "Closed"),
    "archived": ("已归档", "Archived"),
    "rejected": ("不予受理", "Rejected"),
    "void": ("作废", "Void"),
}
OUTCOME_LABELS: dict[str, Label] = {
    "resolved": ("化解成功", "Resolved"),
    "unresolved": ("未化解", "Unresolved"),
}
RESOLVED_LEVEL_LABELS: dict[str, Label] = {
    "grid": ("网格", "Grid"),
    "village": ("村（社区）", "Village / community"),
    "township": ("镇（街道）", "Township / subdistrict"),
    "district": ("区（旗县）", "District"),
    "city": ("市", "City"),
}
# The one label of a 综治中心's level (components/i18n.py's clevel.* keys are these).
CENTER_LEVEL_LABELS: dict[str, Label] = {
    "city": ("市级", "City"),
    "district": ("区县级", "District"),
    "township": ("街道/乡镇级", "Township"),
    "village": ("社区/村级", "Village"),
}
SATISFACTION_LABELS: dict[str, Label] = {
    "satisfied": ("满意", "Satisfied"),
    "basically_satisfied": ("基本满意", "Basically satisfied"),
    "dissatisfied": ("不满意", "Dissatisfied"),
}
ACTION_LABELS: dict[str, Label] = {
    "accept": ("受理", "Accepted"),
    "dispatch": ("分流", "Dispatched"),
    "transfer": ("转办", "Transferred"),
    "handle": ("办理", "Handling"),
    "close": ("办结", "Closed"),
    "visit": ("回访", "Follow-up visit"),
    "reject": ("不予受理", "Rejected"),
    "void": ("作废", "Voided"),
}

# The case-list filters (`status=` of /cases): which cases stand behind which number.
# name -> ((zh, en) short label, (zh, en) 口径 sentence, the kpis key it matches).
LIST_STATUSES: dict[str, tuple[Label, Label, str]] = {
    "all": (
        ("全部受理", "All accepted"),
        (
            "受理时间在统计期内的案件（不含不予受理、作废），即受理量",
            "cases accepted in the period (not rejected or void): the accepted count",
        ),
        "accepted",
    ),
    "closed": (
        ("已办结", "Closed"),
        (
            "统计期内受理、截至统计时点已办结的案件（办结量）",
            "accepted in the period and closed by as_of (closed count)",
        ),
        "closed",
    ),
    "open": (
        ("在办", "Open"),
        (
            "截至统计时点已受理、尚未办结的案件（在办量，不限受理期）",
            "accepted by as_of and not closed at as_of, whatever the period (open count)",
        ),
        "open",
    ),
    "overdue": (
        ("超期未办结", "Overdue"),
        (
            "截至统计时点在办且已超过办理时限的案件（超期未办结，不限受理期）",
            "open at as_of and past its deadline, whatever the period (overdue open count)",
        ),
        "overdue_open",
    ),
    "resolved": (
        ("化解成功", "Resolved"),
        (
            "统计期内受理、截至统计时点已办结且化解成功的案件（化解量）",
            "accepted in the period, closed by as_of with outcome resolved (resolved count)",
        ),
        "resolved",
    ),
    "unresolved": (
        ("办结未化解", "Closed, not resolved"),
        (
            "统计期内受理、截至统计时点已办结但未化解成功的案件（办结量 − 化解量）",
            "accepted in the period, closed by as_of, not resolved (closed − resolved)",
        ),
        "",
    ),
    "on_time": (
        ("按期办结", "Closed on time"),
        (
            "统计期内受理、截至统计时点已办结且办结时间不晚于办理时限的案件",
            "accepted in the period, closed by as_of and by its deadline (on-time count)",
        ),
        "on_time",
    ),
    "late": (
        ("超期办结", "Closed late"),
        (
            "统计期内受理、截至统计时点已办结但晚于办理时限的案件（办结量 − 按期办结量）",
            "accepted in the period, closed by as_of after its deadline (closed − on time)",
        ),
        "",
    ),
    "rated": (
        ("已评价", "Rated"),
        (
            "统计期内受理、截至统计时点已办结且回访有满意度评价的案件（参评量）",
            "accepted in the period, closed by as_of, with a satisfaction rating (rated count)",
        ),
        "rated",
    ),
    "satisfied": (
        ("满意", "Satisfied"),
        (
            "参评案件中评价为满意或基本满意的（满意率分子；严格口径只计满意）",
            "rated cases rated satisfied or basically satisfied (strict setting: satisfied only)",
        ),
        "satisfied",
    ),
    "dissatisfied": (
        ("不满意", "Not satisfied"),
        (
            "参评案件中不计入满意的（参评量 − 满意量）",
            "rated cases not counted as satisfied (rated − satisfied)",
        ),
        "",
    ),
    "repeat": (
        ("重复信访", "Repeat petitions"),
        (
            "统计期内受理的信访中，信访人此前365天内（全市范围）另有信访的（重复信访量）",
            "petitions in the period whose petitioner had another petition in the 365 days"
            " before (anywhere in the city)",
        ),
        "repeat_petitions",
    ),
    "village_contained": (
        ("小事不出村", "Settled in the village"),
        (
            "统计期内受理、截至统计时点已办结且在网格或村（社区）化解的案件",
            "accepted in the period, closed by as_of, settled at grid or village level",
        ),
        "village_contained",
    ),
    "township_contained": (
        ("大事不出镇", "Settled in the township"),
        (
            "统计期内受理、截至统计时点已办结且在镇（街道）及以下化解的案件",
            "accepted in the period, closed by as_of, settled at township level or below",
        ),
        "township_contained",
    ),
}

# The in-time part of a center's open cases (the center-load bar's other segment).
LIST_STATUSES["open_in_time"] = (
    ("在办未超期", "Open, not overdue"),
    (
        "截至统计时点在办且尚未超过办理时限的案件（在办量 − 超期未办结，不限受理期）",
        "open at as_of and not past its deadline, whatever the period (open − overdue open)",
    ),
    "",
)

# The cases located in a grid: what the grids page's 网格内受理量 counts (grid_activity).
LIST_STATUSES["in_grid"] = (
    ("网格内受理", "Cases in grids"),
    (
        "统计期内受理、已落到网格的案件（网格页的网格内受理量）",
        "accepted in the period and placed in a grid (the grids page's cases in grids)",
    ),
    "",
)

# Case categories (cases.category): stored as Chinese text, a vocabulary per kind
# (the demo's is data_access/demo.py's); a category not listed here is shown as stored.
CATEGORY_LABELS: dict[str, Label] = {
    # 矛盾纠纷 disputes
    "婚姻家庭": ("婚姻家庭", "Marriage and family"),
    "邻里纠纷": ("邻里纠纷", "Neighbour disputes"),
    "房屋宅基地": ("房屋宅基地", "Housing and rural homestead land"),
    "山林土地": ("山林土地", "Land and forest rights"),
    "劳动争议": ("劳动争议", "Labour disputes"),
    "合同纠纷": ("合同纠纷", "Contract disputes"),
    "损害赔偿": ("损害赔偿", "Compensation for damage"),
    "物业纠纷": ("物业纠纷", "Property management disputes"),
    "征地拆迁": ("征地拆迁", "Land expropriation and demolition"),
    "医疗纠纷": ("医疗纠纷", "Medical disputes"),
    "交通事故": ("交通事故", "Traffic accidents"),
    # 信访 petitions
    "城乡建设": ("城乡建设", "Urban and rural development"),
    "劳动社保": ("劳动社保", "Labour and social insurance"),
    "农村农业": ("农村农业", "Agriculture and rural affairs"),
    "国土资源": ("国土资源", "Land and natural resources"),
    "政法": ("政法", "Political and legal affairs"),
    "卫生健康": ("卫生健康", "Health"),
    "教育": ("教育", "Education"),
    "民政": ("民政", "Civil affairs"),
    # 12345 hotline
    "城市管理": ("城市管理", "Urban management"),
    "住房保障": ("住房保障", "Housing security"),
    "交通出行": ("交通出行", "Transport"),
    "供水供暖": ("供水供暖", "Water supply and heating"),
    "市场监管": ("市场监管", "Market regulation"),
    "社会保障": ("社会保障", "Social security"),
    "环境保护": ("环境保护", "Environmental protection"),
    # 网格事件 grid events
    "安全隐患": ("安全隐患", "Safety hazards"),
    "环境卫生": ("环境卫生", "Environmental sanitation"),
    "矛盾纠纷排查": ("矛盾纠纷排查", "Dispute screening"),
    "治安防范": ("治安防范", "Public order and crime prevention"),
    "特殊人群服务": ("特殊人群服务", "Services for special groups"),
    "民生服务": ("民生服务", "Public services"),
    # every kind
    "其他": ("其他", "Other"),
}

ALL_LABELS: dict[str, dict[str, Label]] = {
    "kind": KIND_LABELS,
    "source": SOURCE_LABELS,
    "warning_level": WARNING_LEVEL_LABELS,
    "status": STATUS_LABELS,
    "outcome": OUTCOME_LABELS,
    "resolved_level": RESOLVED_LEVEL_LABELS,
    "satisfaction": SATISFACTION_LABELS,
    "action": ACTION_LABELS,
    "center_level": CENTER_LEVEL_LABELS,
    "category": CATEGORY_LABELS,
}


def category_label(category: str | None, lang: str = "zh") -> str:
    """A case category in `lang`; a category outside CATEGORY_LABELS as stored."""
    return label("category", category, lang)


def label(field: str, value: str | None, lang: str = "zh") -> str:
    """The display label of an enumeration value; unknown values are shown as they are."""
    if value is None:
        return ""
    pair = ALL_LABELS.get(field, {}).get(value)
    if pair is None:
        return str(value)
    return pair[1] if lang == "en" else pair[0]


def list_status_label(status: str, lang: str = "zh") -> str:
    pair = LIST_STATUSES.get(status, ((status, status), ("", ""), ""))[0]
    return pair[1] if lang == "en" else pair[0]


def list_status_definition(status: str, lang: str = "zh") -> str:
    pair = LIST_STATUSES.get(status, ((status, status), ("", ""), ""))[1]
    return pair[1] if lang == "en" else pair[0]


# Columns of a case row (lists, exports, the case page), in display order.
CASE_COLUMN_LABELS: dict[str, Label] = {
    "case_no": ("案件编号", "Case no."),
    "kind": ("类型", "Kind"),
    "source": ("来源", "Source"),
    "category": ("类别", "Category"),
    "warning_level": ("预警等级", "Warning level"),
    "district_name": ("区（旗县）", "District"),
    "township_name": ("镇（街道）", "Township"),
    "village_name": ("村（社区）", "Village / community"),
    "village_code": ("村（社区）代码", "Village code"),
    "grid_code": ("网格编码", "Grid code"),
    "grid_name": ("网格", "Grid"),
    "center_name": ("承办中心", "Handling center"),
    "status": ("状态", "Status"),
    "accepted_at": ("受理时间", "Accepted at"),
    "deadline_at": ("办理时限", "Deadline"),
    "closed_at": ("办结时间", "Closed at"),
    "outcome": ("办结结果", "Outcome"),
    "resolved_level": ("化解层级", "Settled at level"),
    "satisfaction": ("满意度", "Satisfaction"),
    "visited_at": ("回访时间", "Visited at"),
    "party_name": ("当事人", "Party"),
    "party_phone": ("联系电话", "Phone"),
    "summary": ("事项摘要", "Summary"),
}


def column_label(column: str, lang: str = "zh") -> str:
    pair = CASE_COLUMN_LABELS.get(column, (column, column))
    return pair[1] if lang == "en" else pair[0]
