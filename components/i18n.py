"""Every label of the UI in Chinese (default) and English: `t(key, lang)`.

Names of places and centers are data, not labels: they stay Chinese in both
languages. Case categories are data too, but the known ones have an English label
(data_access/labels.py CATEGORY_LABELS): `t("category.<stored text>")` gives it, or the
stored text for a category it does not know. Any other key missing from the table is
shown as the key itself, so a forgotten label is visible (and the unit tests check the
table is complete).
"""

from __future__ import annotations

from data_access.labels import CENTER_LEVEL_LABELS, category_label

LANGS = ("zh", "en")

# key -> (中文, English)
TEXT: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ app and navigation
    "app.title": ("综治中心指挥舱", "Social Governance Command Center"),
    "app.brand": ("综治指挥舱", "GovDash"),
    "nav.home": ("指挥舱", "Cockpit"),
    "nav.region": ("区域", "Regions"),
    "nav.petitions": ("信访", "Petitions"),
    "nav.disputes": ("矛盾纠纷", "Disputes"),
    "nav.satisfaction": ("回访满意度", "Satisfaction"),
    "nav.centers": ("中心负荷", "Center load"),
    "nav.grids": ("网格", "Grids"),
    "nav.cases": ("案件", "Cases"),
    "nav.switch_lang": ("English", "中文"),
    "nav.switch_lang_title": ("Switch to English", "切换到中文"),
    # ------------------------------------------------------------ filter bar
    "filter.period": ("统计周期", "Period"),
    "filter.dates": ("起止日期", "Dates"),
    "filter.kind": ("类型", "Kind"),
    "filter.source": ("来源", "Source"),
    "filter.level": ("预警等级", "Warning level"),
    "filter.all": ("全部", "All"),
    "filter.custom": ("自定义", "Custom"),
    "filter.start": ("开始日期", "Start date"),
    "filter.end": ("结束日期", "End date"),
    "filter.ignored": ("已忽略无效的链接参数：", "Ignored invalid link parameters: "),
    "filter.ignored_sep": ("；", "; "),  # between the ignored parameters
    "period.this_month": ("本月", "This month"),
    "period.last_month": ("上月", "Last month"),
    "period.this_quarter": ("本季度", "This quarter"),
    "period.this_year": ("本年", "This year"),
    "period.last_12_months": ("近12个月", "Last 12 months"),
    "kind.dispute": ("矛盾纠纷", "Disputes"),
    "kind.petition": ("信访", "Petitions"),
    "kind.hotline": ("12345", "12345 hotline"),
    "kind.grid_event": ("网格事件", "Grid events"),
    "source.grid_report": ("网格员上报", "Grid member report"),
    "source.walk_in": ("群众来访", "Walk-in"),
    "source.hotline_12345": ("12345热线", "12345 hotline"),
    "source.app": ("网上/APP/小程序", "Online / app"),
    "source.court_referral": ("诉调对接", "Court referral"),
    "source.police_referral": ("公调对接", "Police referral"),
    "source.petition_referral": ("访调对接", "Petition referral"),
    "source.assigned": ("上级交办", "Assigned from above"),
    "level.red": ("红色", "Red"),
    "level.orange": ("橙色", "Orange"),
    "level.yellow": ("黄色", "Yellow"),
    "level.green": ("绿色", "Green"),
    "rlevel.city": ("市", "City"),
    "rlevel.district": ("区县", "District"),
    "rlevel.township": ("街道/乡镇", "Township"),
    "rlevel.village": ("社区/村", "Village"),
    "rlevel.grid": ("网格", "Grid"),
    "rlevel.children.city": ("各区县", "Districts"),
    "rlevel.children.district": ("各街道/乡镇", "Townships"),
    "rlevel.children.township": ("各社区/村", "Villages and communities"),
    "rlevel.children.village": ("各网格", "Grids"),
    "rlevel.no_grid": ("未划入网格", "Not in a grid"),
    # ------------------------------------------------------------ metrics
    "metric.accepted": ("受理量", "Accepted"),
    "metric.closed": ("办结量", "Closed"),
    "metric.closure_rate": ("办结率", "Closure rate"),
    "metric.resolved": ("化解量", "Resolved"),
    "metric.resolution_rate": ("化解率", "Resolution rate"),
    "metric.mediation_success_rate": ("调解成功率", "Mediation success rate"),
    "metric.on_time_rate": ("按期办结率", "On-time closure rate"),
    "metric.rated": ("参评量", "Rated"),
    "metric.satisfaction_rate": ("满意率", "Satisfaction rate"),
    "metric.rating_participation": ("参评率", "Rating participation"),
    "metric.open": ("在办", "Open"),
    "metric.overdue_open": ("超期未办结", "Overdue open"),
    "metric.petitions": ("信访量", "Petitions"),
    "metric.petition_closure_rate": ("信访办结率", "Petition closure rate"),
    "metric.repeat_petitions": ("重复信访量", "Repeat petitions"),
    "metric.repeat_petition_rate": ("重复信访率", "Repeat petition rate"),
    "metric.village_contained_rate": ("小事不出村率", "Settled in the village"),
    "metric.township_contained_rate": ("大事不出镇率", "Settled in the township"),
    "metric.score": ("综合得分", "Score"),
    "metric.rank": ("排名", "Rank"),
    "metric.rank_change": ("升降", "Change"),
    "metric.staff_count": ("工作人员", "Staff"),
    "metric.open_per_staff": ("人均在办", "Open per staff"),
    "metric.name": ("名称", "Name"),
    "metric.center": ("综治中心", "Center"),
    "metric.center_level": ("层级", "Level"),
    "metric.status": ("状态", "Status"),
    "metric.grids": ("网格数", "Grids"),
    "metric.silent_grids": ("无上报网格", "Silent grids"),
    "metric.grid_reports": ("网格内受理量", "Cases in grids"),
    "metric.member_count": ("网格员", "Grid members"),
    # ------------------------------------------------------------ comparisons
    "cmp.yoy": ("同比", "YoY"),
    "cmp.mom": ("环比", "MoM"),
    "cmp.none": ("—", "—"),
    "cmp.pp": ("个百分点", "pp"),
    "cmp.last_year": ("上年同期", "Same period last year"),
    "status.red": ("未达标", "Below target"),
    "status.amber": ("接近目标", "Near target"),
    "status.green": ("达标", "On target"),
    "status_short.red": ("未达标", "Below"),
    "status_short.amber": ("接近目标", "Near"),
    "status_short.green": ("达标", "Met"),
    # ------------------------------------------------------------ figures
    "fig.trend": ("月度趋势", "Monthly trend"),
    "fig.unfinished": ("（未满月，截至{day}）", " (part month, to {day})"),
    "fig.trend.accepted": ("受理量", "Accepted"),
    "fig.trend.accepted_prev": ("上年同期受理量", "Accepted, a year earlier"),
    "fig.trend.closure_rate": ("办结率", "Closure rate"),
    "fig.ranking": ("综合排名", "Ranking"),
    "fig.treemap": ("受理量分布", "Where cases come from"),
    "fig.map": ("各区县受理量", "Accepted by district"),
    "fig.levels": ("四色预警分布", "Four-colour warnings"),
    "fig.sources": ("来源结构", "Sources"),
    "fig.categories": ("类别结构", "Categories"),
    "fig.containment": ("小事不出村 · 大事不出镇", "Settled at the grassroots"),
    "fig.center_load": ("中心负荷（在办）", "Center load (open cases)"),
    "fig.center_load_staff": ("人均在办", "Open per staff"),
    "fig.open_in_time": ("在办（未超期）", "Open, not overdue"),
    "fig.petition_trend": ("信访量月度趋势（同比）", "Petitions by month (YoY)"),
    "fig.petition_units": ("各单位信访情况", "Petitions by unit"),
    "fig.dispute_categories": ("纠纷类别", "Dispute categories"),
    "fig.mediation_types": ("调解来源类型", "Mediation source types"),
    "fig.dispute_success": ("各单位调解成功率", "Mediation success by unit"),
    "fig.satisfaction_units": ("各单位满意率（由低到高）", "Satisfaction by unit (worst first)"),
    "fig.participation_units": ("各单位参评率", "Rating participation by unit"),
    "fig.center_open_staff": ("各中心人均在办", "Open cases per staff by center"),
    "fig.grid_reports": ("各网格受理量", "Cases per grid"),
    "fig.grid_units": ("各单位网格内受理量", "Cases in grids by unit"),
    "fig.cases": ("件", "cases"),
    "fig.month": ("月份", "Month"),
    "fig.share": ("占比", "Share"),
    # Not "其他": a category is stored as 其他 too, and the two bars would share a row.
    "fig.other": ("其余{n}类", "{n} more"),
    "fig.export_svg": ("SVG", "SVG"),
    "table.sort_hint": ("点击排序", "Click to sort"),
    "fig.export_svg_title": ("下载SVG矢量图（打印尺寸）", "Download SVG (print size)"),
    "fig.no_polygons": (
        "该区域无边界数据，以矩形树图显示",
        "No boundaries for this level: shown as a treemap",
    ),
    "fig.unmapped": ("无边界数据（仍计入排名）：", "No boundary (still ranked): "),
    # ------------------------------------------------------------ region page
    "page.region": ("区域态势", "Region overview"),
    "page.cockpit": ("指挥舱", "Cockpit"),
    "page.ranking_table": ("下级单位排名", "Units ranked"),
    "page.children_none": ("该区域没有下级单位。", "This region has no sub-units."),
    "page.grid_cases": ("查看该网格的案件清单", "Open this grid's case list"),
    "page.village_grids": ("网格", "Grids"),
    "page.cases_link": ("查看案件清单", "Open the case list"),
    "page.as_of": ("数据截至", "As of"),
    "page.period": ("统计周期", "Period"),
    "page.scope": ("范围", "Scope"),
    "page.drill_hint": (
        "点击图表或表格中的单位可逐级下钻。",
        "Click a unit on a chart or in the table to drill down.",
    ),
    "page.petitions": ("信访分析", "Petitions"),
    "page.disputes": ("矛盾纠纷分析", "Disputes"),
    "page.satisfaction": ("回访满意度", "Follow-up satisfaction"),
    "page.centers": ("综治中心负荷", "Center load"),
    "page.grids": ("网格运行", "Grid activity"),
    "page.silent_grids": ("本期无上报的网格", "Grids without reports in this period"),
    "page.silent_none": ("本期所有网格均有上报。", "Every grid reported in this period."),
    "page.grids_pick": (
        "网格明细在社区/村一级显示；请选择下级单位：",
        "Grid detail is shown per village; pick a unit below:",
    ),
    "page.units": ("单位", "Unit"),
    "page.min_rated": ("参评量不少于{n}件的中心", "centers with at least {n} rated cases"),
    "page.only_grid_reports": ("只看网格员上报", "Grid-member reports only"),
    "page.all_sources": ("全部来源", "All sources"),
    "page.silent_too_many": (
        "无上报网格较多，请下钻到街道/乡镇或社区/村查看名单。",
        "Many grids were silent: drill down to a township or village to list them.",
    ),
    # ------------------------------------------------------------ states
    "state.no_data": ("所选周期内没有数据。", "No data in the selected period."),
    "state.no_data_hint": (
        "请调整统计周期或筛选条件。",
        "Try another period or fewer filters.",
    ),
    "state.db_down": (
        "数据库连接中断，正在自动重试……数据恢复后页面将自动刷新。",
        "The database connection is down; retrying automatically. The page reloads when it is back.",
    ),
    "state.db_page": (
        "本页数据暂时无法读取：数据库连接中断。",
        "This page's data cannot be read: the database connection is down.",
    ),
    "state.error": (
        "页面数据加载失败，请稍后重试。",
        "The page's data could not be loaded. Please try again shortly.",
    ),
    "state.unknown_region": ("找不到该区域：", "Unknown region: "),
    "state.loading": ("加载中……", "Loading…"),
    "state.not_found": ("页面不存在", "Page not found"),
    "state.not_found_text": (
        "您访问的页面不存在，请从导航栏重新选择。",
        "This page does not exist. Pick a page from the navigation bar.",
    ),
    "state.back_home": ("返回指挥舱", "Back to the cockpit"),
    # ------------------------------------------------------------ URL problems
    # (components/url_state.py: what the parser ignored; {name}={value} is the
    # parameter as the URL gave it, {then} what is shown instead of a bad date.)
    "problem.choice": (
        "{name}={value}（不是可选值）",
        "{name}={value} (not one of the choices)",
    ),
    "problem.lang": (
        "lang={value}（不支持该语言，可选 zh 或 en）",
        "lang={value} (unsupported language; use zh or en)",
    ),
    "problem.region": (
        "region={value}（不是区划代码，应为6、9、12或15位数字）",
        "region={value} (not a region code of 6, 9, 12 or 15 digits)",
    ),
    "problem.period": (
        "period={value}（不是可选的统计周期，已改用{default}）",
        "period={value} (not a known period; showing {default})",
    ),
    "problem.period_with_dates": (
        "period={value}（已按 from/to 的日期统计）",
        "period={value} (the from/to dates are used instead)",
    ),
    "problem.repeated": (
        "{name}={value}（参数重复，只使用第一个值）",
        "{name}={value} (repeated parameter; only the first value is used)",
    ),
    "problem.bad_date": (
        "{name}={value}（不是有效日期，应为YYYY-MM-DD{then}）",
        "{name}={value} (not a valid date, expected YYYY-MM-DD{then})",
    ),
    "problem.date_range": (
        "{name}={value}（超出可查询范围 {low} 至 {high}{then}）",
        "{name}={value} (outside the supported range {low} to {high}{then})",
    ),
    "problem.date_order": (
        "from={value} 晚于 to={to}（两者均已忽略{then}）",
        "from={value} is after to={to} (both ignored{then})",
    ),
    "problem.date_alone": (
        "{name}={value}（须与有效的 {other} 同时给出{then}）",
        "{name}={value} (needs a valid {other} as well{then})",
    ),
    "problem.dates_default": ("；改用{period}", "; showing {period} instead"),
    # ------------------------------------------------------------ tab titles
    # (components/shell.py: the browser tab's title of each page, "<title> · govdash",
    # after the region's name when the URL names one.)
    "title.home": ("指挥舱", "Cockpit"),
    "title.region": ("区域态势", "Region overview"),
    "title.petitions": ("信访", "Petitions"),
    "title.disputes": ("矛盾纠纷", "Disputes"),
    "title.satisfaction": ("回访满意度", "Satisfaction"),
    "title.centers": ("中心负荷", "Center load"),
    "title.grids": ("网格", "Grids"),
    "title.cases": ("案件清单", "Case list"),
    "title.case": ("案件详情", "Case"),
    "title.not_found": ("页面不存在", "Page not found"),
    # ------------------------------------------------------------ more states
    "state.no_open": ("统计时点没有在办案件。", "No case is open at the as-of time."),
}


# ------------------------------------------------------------ drill-through: a grid's
# cases on its region page, the repeat petitioners on /petitions
TEXT.update(
    {
        "page.grid_cases_title": ("本网格案件", "Cases in this grid"),
        "page.grid_cases_total": (
            "共 {total} 件，显示最近受理的 {shown} 件",
            "{total} cases; the {shown} accepted last are shown",
        ),
        "page.grid_cases_none": (
            "所选周期内该网格没有案件。",
            "No cases in this grid in the selected period.",
        ),
        "page.repeat_petitioners": ("重复信访人", "Repeat petitioners"),
        "page.repeat_petitioners_total": (
            "共 {total} 人，本期重复信访 {repeats} 件；按信访次数显示前 {shown} 人。"
            "信访次数：{start} 至 {end} 全市受理的信访。",
            "{total} petitioners, {repeats} repeat petitions in the period; the {shown} "
            "with the most petitions are shown. Petitions: accepted anywhere in the city "
            "from {start} to {end}.",
        ),
        "page.repeat_petitioners_none": (
            "本期没有重复信访人。",
            "No repeat petitioners in this period.",
        ),
        "petitioner.label": ("信访人编号", "Petitioner"),
        "petitioner.party_name": ("当事人（最近一次）", "Party (latest)"),
        "petitioner.petitions": ("信访次数", "Petitions"),
        "petitioner.repeats": ("本期重复信访", "Repeats in period"),
        "petitioner.first_at": ("首次信访", "First"),
        "petitioner.latest_at": ("最近信访", "Latest"),
        "petitioner.townships": ("涉及街道/乡镇", "Townships"),
        "petitioner.centers": ("承办中心", "Centers"),
        "table.and_more": ("等{n}个", " and others ({n} in all)"),
    }
)


# A center's level has one label everywhere (the case page reads the same table).
TEXT.update({f"clevel.{level}": pair for level, pair in CENTER_LEVEL_LABELS.items()})

CATEGORY_PREFIX = "category."


def t(key: str, lang: str = "zh") -> str:
    """The label for `key` in `lang` ('zh' or 'en'); unknown keys show as themselves,
    but for a case category ("category.<stored text>"), shown as stored."""
    pair = TEXT.get(key)
    if pair is None:
        if key.startswith(CATEGORY_PREFIX):
            return category_label(key[len(CATEGORY_PREFIX) :], lang)
        return key
    return pair[1] if lang == "en" else pair[0]


def normalize_lang(lang: str | None) -> str:
    return lang if lang in LANGS else "zh"
