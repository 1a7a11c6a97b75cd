"""Bilingual labels for the app: one table, looked up by key and language."""

from __future__ import annotations

LANGUAGES = {"zh": "中文", "en": "English"}

LABELS: dict[str, dict[str, str]] = {
    "app_title": {
        "zh": "安监：安全生产监管与应急资源规划",
        "en": "anjian: work-safety and emergency planning",
    },
    "language": {"zh": "语言", "en": "Language"},
    "scenario": {"zh": "情景", "en": "Scenario"},
    "overview": {"zh": "概览", "en": "Overview"},
    "map_of": {"zh": "地图指标", "en": "Map of"},
    "districts": {"zh": "区县", "en": "Districts"},
    "population": {"zh": "常住人口", "en": "Population"},
    "area_km2": {"zh": "面积（km²）", "en": "Area (km²)"},
    "townships": {"zh": "乡镇街道", "en": "Townships"},
    "sites": {"zh": "监管对象", "en": "Inspection sites"},
    "staff": {"zh": "监管人员", "en": "Inspection staff"},
    "incidents_per_year": {"zh": "年事件数", "en": "Incidents per year"},
    "vehicles": {"zh": "车辆", "en": "Vehicles"},
    "sites_per_staff": {"zh": "人均监管对象", "en": "Sites per staff member"},
    "adcode": {"zh": "区划代码", "en": "Adcode"},
    "name_zh": {"zh": "名称", "en": "Name (Chinese)"},
    "name_pinyin": {"zh": "拼音", "en": "Pinyin"},
    "region_group": {"zh": "区域", "en": "Region group"},
    "district_table": {"zh": "区县明细", "en": "District details"},
    "invalid": {"zh": "情景无效", "en": "Invalid scenario"},
    "coming": {
        "zh": "预算页：现状成本明细与同一预算下的更优配置；帕累托前沿将在后续版本中提供。",
        "en": "The Budget page: today's costs item by item and a better allocation of the same "
        "budget; the Pareto frontier arrives with a later release.",
    },
    "headline": {
        "zh": "现状应急响应指标（仿真，3次×1年）",
        "en": "Today's response KPIs (simulated, 3 × 1 year)",
    },
    # budget page (issue 18)
    "page_budget": {"zh": "预算", "en": "Budget"},
    "budget_fixed_total": {"zh": "现状固定成本（元/年）", "en": "Today's fixed cost (yuan a year)"},
    "budget_fixed_help": {
        "zh": "薪酬、装备、车辆保有/签约、物资维护与轮换；按次费用和第三方检查费需模拟。",
        "en": "Salaries, kits, vehicle ownership and retainers, stock upkeep and replacement; "
        "fees per call and third-party fees need a simulation.",
    },
    "budget_budget": {"zh": "预算（元/年）", "en": "Budget (yuan a year)"},
    "budget_budget_help": {
        "zh": "情景的 [budget]；未设定时为现状的固定成本（同样的钱，重新配置）。"
        "寻优时还计入模拟得到的按次费用，故其结果中的预算是现状的固定 + 按次合计。",
        "en": "The scenario's [budget]; without one, today's fixed cost (the same money, placed "
        "anew). The search also prices the simulated per-use fees, so the budget in its results "
        "is today's fixed + per-use total.",
    },
    "budget_left": {"zh": "预算余额（元/年）", "en": "Budget left (yuan a year)"},
    "budget_sheet": {"zh": "现状成本明细", "en": "Today's costs, item by item"},
    "budget_col_resource": {"zh": "资源", "en": "Resource"},
    "budget_col_item": {"zh": "项目", "en": "Item"},
    "budget_col_kind": {"zh": "类别", "en": "Kind"},
    "budget_col_basis": {"zh": "依据", "en": "Basis"},
    "budget_col_quantity": {"zh": "数量", "en": "Quantity"},
    "budget_col_unit_cost": {"zh": "单价", "en": "Unit cost"},
    "budget_col_yuan": {"zh": "元/年", "en": "Yuan a year"},
    "budget_col_part": {"zh": "部分", "en": "Part"},
    "budget_col_kpi": {"zh": "指标", "en": "KPI"},
    "budget_search": {"zh": "同一预算下的更优配置", "en": "A better allocation of the same budget"},
    "budget_search_help": {
        "zh": "在监管人员、车辆和物资之间按步长调整资金，每一步都由仿真检验（共同随机数配对）；"
        "最后用新的一组模拟比较方案与现状。",
        "en": "Money moves between inspectors, vehicles and stocks in steps, each judged by the "
        "simulator (paired, common random numbers); the plan is then compared with today on "
        "fresh replications.",
    },
    "budget_years": {"zh": "每次模拟年数", "en": "Years per replication"},
    "budget_reps": {"zh": "重复次数", "en": "Replications"},
    "budget_step": {"zh": "步长（元/年）", "en": "Step (yuan a year)"},
    "budget_rounds": {"zh": "最多轮数", "en": "Rounds at most"},
    "store_error": {"zh": "运行记录库无法读取", "en": "The run store cannot be read"},
    "budget_place": {"zh": "每步资金的布置", "en": "Where a step's money goes"},
    "budget_place_rules": {
        "zh": "按固定规则（按现有比例，快）",
        "en": "By fixed rules (in proportion to today's, fast)",
    },
    "budget_place_optimizers": {
        "zh": "由各资源优化模型布置（首次多几分钟）",
        "en": "Placed by each resource's optimizer (minutes more the first time)",
    },
    "budget_place_help": {
        "zh": "优化布置：人员按各区人员曲线（与人员优化相同，结果缓存）边际效益最高处增减；"
        "车辆按模拟的忙碌率、以期望响应时间最短布置到车辆点；物资仍按比例。",
        "en": "Optimizers: heads go where the district staff curves (those of the headcount "
        "optimizer, cached) gain most per yuan; vehicles go to the depots where they cut the "
        "expected response time most at the simulated busy fraction; stocks stay in "
        "proportion.",
    },
    "budget_run": {"zh": "寻找更优配置", "en": "Find a better allocation"},
    "budget_not_run": {
        "zh": "按下按钮开始（重庆约 3 分钟）。",
        "en": "Press the button to start (about 3 minutes on Chongqing).",
    },
    "budget_same": {
        "zh": "没有找到能显著降低伤害的调整：方案即现状。",
        "en": "No move lowered harm significantly: the plan is today's allocation.",
    },
    "budget_verdict": {
        "zh": "方案与现状相比，预期死亡每年变化 {change:+,.2f} ± {half:,.2f} 人"
        "（配对，95% 置信区间）。",
        "en": "Against today the plan changes expected deaths by {change:+,.2f} ± {half:,.2f} a "
        "year (paired, 95% CI).",
    },
    "budget_not_significant": {
        "zh": "不显著（置信区间含 0）。",
        "en": "Not significant (the CI contains 0).",
    },
    "budget_costs": {
        "zh": "年度成本（固定 + 模拟的按次费用；情景未设 [budget] 时，预算即现状的这一合计）",
        "en": "Yearly cost (fixed + simulated per-use fees; without a [budget] in the scenario "
        "the budget is today's such total)",
    },
    "budget_harm": {"zh": "伤害（预期死亡/年）", "en": "Harm (expected deaths a year)"},
    "budget_kpis": {"zh": "运行指标", "en": "Operational KPIs"},
    "budget_moves": {"zh": "资金调整", "en": "What moves where"},
    "budget_margins": {"zh": "边际价值（每一步）", "en": "Marginal values (one step)"},
    "budget_no_moves": {"zh": "没有调整。", "en": "No move."},
    "budget_today": {"zh": "现状", "en": "Today"},
    "budget_plan": {"zh": "方案", "en": "Plan"},
    "budget_change": {"zh": "变化", "en": "Change"},
    "budget_change_ci": {"zh": "变化 ± 95% 置信区间", "en": "Change ± 95% CI"},
    "budget_round": {"zh": "轮", "en": "Round"},
    "budget_from": {"zh": "减少", "en": "From"},
    "budget_to": {"zh": "增加", "en": "To"},
    "budget_accepted": {"zh": "采纳", "en": "Accepted"},
    "budget_what": {"zh": "内容", "en": "What"},
    "budget_report": {"zh": "下载报告（HTML）", "en": "Download the report (HTML)"},
    "budget_not_built": {
        "zh": "此页尚未提供：按各项指标分别优化的方案比较（命令行 anjian objectives）。",
        "en": "Not on this page yet: the plans optimised for each KPI separately, compared "
        "(the CLI's anjian objectives).",
    },
    "budget_edit": {"zh": "自行修改方案", "en": "Your own edit of the plan"},
    "budget_edit_help": {
        "zh": "在推荐方案上每种资源增加（+）或减少（−）若干步，每步约 {step}/年（按整人、整车"
        "取整，实际金额见成本表）；用与比较相同的模拟（共同随机数）评估，与现状和方案配对比较。"
        "含按次费用的合计随模拟的工作量略有不同。",
        "en": "Add (+) or cut (−) steps of about {step} a year of each resource from the plan "
        "(whole heads and vehicles: the cost table shows what was actually added); simulated on "
        "the comparison's replications (common random numbers) and compared, paired, with "
        "today and with the plan. Totals include per-use fees, which vary with the simulated "
        "work.",
    },
    "budget_edit_run": {"zh": "比较我的修改", "en": "Compare my edit"},
    "budget_edit_running": {"zh": "正在模拟……", "en": "Simulating…"},
    "budget_selection": {"zh": "排序与选择（KN）设置", "en": "Ranking and selection (KN)"},
    "budget_selection_help": {
        "zh": "候选方案（现状与每轮之后的配置）在新一组模拟上用 KN 程序比较：若最优者比其余好 δ "
        "以上，选对的概率 ≥ 1 − α。δ 为 0 时取现状伤害的 1%。",
        "en": "The candidates (today and the allocation after each round) are compared on fresh "
        "replications by the KN procedure: the probability of a correct selection is ≥ 1 − α "
        "when the best is δ better than the rest. δ = 0 means 1% of today's harm.",
    },
    "budget_alpha": {"zh": "α（1 − 选对概率）", "en": "α (1 − P(correct selection))"},
    "budget_delta": {"zh": "δ（死亡/年，0 = 默认）", "en": "δ (deaths a year, 0 = default)"},
    "budget_max_reps": {"zh": "每个候选最多重复次数", "en": "Replications per candidate at most"},
    "budget_districts": {
        "zh": "各区县多投入一份资源（方案下的边际价值）",
        "en": "One more unit per district (marginal values at the plan)",
    },
    "budget_districts_help": {
        "zh": "在方案的基础上，每次在一个区县增加一辆车（站点）、每类检查人员一人（该区县单独模拟）"
        "或每年 10 万元物资（区县和乡镇仓库），用共同随机数与方案配对比较预期死亡的变化。重庆："
        "车辆和物资约 2 分钟，检查人员约 6 分钟（38 个区县、约 340 个区县×人员类别）。",
        "en": "From the plan, one district at a time gets one more vehicle (at its depot), one "
        "more inspector of each paid kind (the district simulated on its own) or 100,000 yuan a "
        "year more stock (its district and township warehouses); the change in expected deaths "
        "is paired with the plan (common random numbers). Chongqing: about 2 minutes for "
        "vehicles or stocks, about 6 for inspectors (38 districts, some 340 district × kind "
        "pairs).",
    },
    "budget_districts_resource": {"zh": "增加什么", "en": "What to add"},
    "budget_districts_what": {"zh": "增加", "en": "Added"},
    "budget_districts_run": {
        "zh": "计算各区县的边际价值",
        "en": "Compute marginal values by district",
    },
    "budget_districts_col": {"zh": "区县", "en": "District"},
    "budget_districts_per10k": {
        "zh": "每万元避免死亡（人/年）",
        "en": "Deaths averted per 10,000 yuan (a year)",
    },
    "budget_districts_saves": {"zh": "省钱", "en": "saves money"},
    "budget_districts_sig": {"zh": "显著", "en": "Significant"},
    "budget_edit_none": {
        "zh": "所有步数都为 0：请至少修改一种资源。",
        "en": "Every step count is 0: change at least one resource.",
    },
    "budget_frontier_steps": {"zh": "步", "en": "step(s)"},
    "budget_edit_bad": {"zh": "无法修改", "en": "The edit cannot be made"},
    "budget_edit_over": {
        "zh": "该修改超出预算 {over}/年。",
        "en": "This edit is {over} a year over the budget.",
    },
    "budget_edit_col": {"zh": "我的修改", "en": "My edit"},
    "budget_edit_vs_today": {"zh": "较现状 ± 95% 置信区间", "en": "Vs today ± 95% CI"},
    "budget_edit_vs_plan": {"zh": "较方案 ± 95% 置信区间", "en": "Vs plan ± 95% CI"},
    "budget_frontier": {"zh": "预算前沿（伤害对成本）", "en": "The frontier (harm against cost)"},
    "budget_frontier_help": {
        "zh": "从同预算的推荐方案出发，预算每步增加（买每元降低伤害最多的资源）或减少（减每元"
        "增加伤害最少的资源），每一点再用新一组模拟评估。"
        "（合计含这些模拟中的按次费用。）每步约需 3 次模拟；重庆 10 个点约 12 分钟。",
        "en": "From the plan for today's budget the budget is walked up (the purchase that lowers "
        "harm most per yuan) and down (the cut that adds least harm per yuan saved), every point "
        "simulated afresh (totals include the per-use fees of those replications). About 3 "
        "simulations a step; 10 points on Chongqing take about 12 minutes.",
    },
    "budget_frontier_up": {"zh": "增加预算的步数", "en": "Steps of more budget"},
    "budget_frontier_down": {"zh": "减少预算的步数", "en": "Steps of less budget"},
    "budget_frontier_run": {"zh": "计算前沿", "en": "Compute the frontier"},
    "budget_frontier_none": {
        "zh": "增加和减少的步数都为 0：请至少选一步。",
        "en": "Both step counts are 0: choose at least one step.",
    },
    "budget_frontier_line": {"zh": "前沿", "en": "Frontier"},
    "budget_frontier_points": {"zh": "各点（95% 置信区间）", "en": "Points (95% CI)"},
    "budget_frontier_x": {"zh": "年度成本（百万元）", "en": "Yearly cost (million yuan)"},
    "budget_frontier_y": {"zh": "预期死亡（人/年）", "en": "Expected deaths a year"},
    "budget_frontier_point": {"zh": "点", "en": "Point"},
    "budget_frontier_vs_today": {"zh": "较现状 ± 95% 置信区间", "en": "Vs today ± 95% CI"},
    "budget_frontier_kept": {"zh": "非支配", "en": "Non-dominated"},
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
    # pages
    "page_scenario": {"zh": "情景编辑", "en": "Scenario"},
    "page_whatif": {"zh": "假设分析", "en": "What-if"},
    "page_optimize": {"zh": "优化布局", "en": "Optimize"},
    "page_compare": {"zh": "方案比较", "en": "Compare"},
    "page_runs": {"zh": "运行记录", "en": "Runs"},
    "page_validation": {"zh": "模型验证", "en": "Validation"},
    "validation_intro": {
        "zh": "模型是否正确的证据：仿真对照 Erlang C / Erlang B 与超立方体精确解，选址模型对照"
        "已发表的最优解（OR-Library、Swain），随机规划对照农夫问题，独立校验器，重庆校准目标，"
        "以及可重复性。快速验证约一分钟；完整验证请用命令 `anjian validate --full`。",
        "en": "The evidence that the models are right: the simulator against Erlang C / Erlang B "
        "and the exact hypercube, the location models against published optima (OR-Library, "
        "Swain), stochastic programming against the farmer problem, the independent checker, "
        "Chongqing's calibration targets, and reproducibility. The quick validation takes "
        "about a minute; the full one is `anjian validate --full` on the command line.",
    },
    "validation_run": {"zh": "运行快速验证", "en": "Run the quick validation"},
    "validation_running": {"zh": "验证中……", "en": "Validating…"},
    "validation_summary": {
        "zh": "{n} 项中 {ok} 项通过（{s:,.0f} 秒）",
        "en": "{ok} of {n} lines pass ({s:,.0f} s)",
    },
    "validation_download": {"zh": "下载验证报告（HTML）", "en": "Download the report (HTML)"},
    # scenario page
    "edits": {"zh": "已修改 {n} 处", "en": "{n} edits"},
    "reset_edits": {"zh": "撤销全部修改", "en": "Discard all edits"},
    "upload": {
        "zh": "上传情景包（zip：TOML + CSV）",
        "en": "Upload a scenario bundle (zip of TOML + CSV)",
    },
    "uploaded_ok": {"zh": "已载入上传的情景：{name}", "en": "Loaded the uploaded scenario: {name}"},
    "upload_bad": {"zh": "上传的情景包无效", "en": "The uploaded bundle is not valid"},
    "sidebar_uploaded": {
        "zh": "正在使用上传的情景：{name}（在“情景编辑”页可改回内置情景）",
        "en": "In use: the uploaded scenario {name} (the Scenario page goes back to a built-in)",
    },
    "use_builtin": {"zh": "改用内置情景", "en": "Use a built-in scenario again"},
    "axis_case": {"zh": "方案", "en": "Case"},
    "axis_count": {"zh": "事件数", "en": "Incidents"},
    "axis_day": {"zh": "天", "en": "Day"},
    "axis_backlog": {"zh": "待检查积压（次）", "en": "Inspection backlog (visits)"},
    "staff_needs_inspections": {
        "zh": "监管人员只影响“监管检查”模型；请在上方选择该模型查看其效果。",
        "en": "Staff act in the inspection model only; choose it above to see their effect.",
    },
    "download": {"zh": "下载修改后的情景包", "en": "Download the edited bundle"},
    "tab_staff": {"zh": "监管人员", "en": "Staff"},
    "tab_rates": {"zh": "事件发生率", "en": "Incident rates"},
    "tab_season": {"zh": "季节性", "en": "Seasonality"},
    "tab_fleet": {"zh": "车辆与站点", "en": "Fleet"},
    "tab_kinds": {"zh": "车辆类型与成本", "en": "Vehicle kinds and costs"},
    "tab_stocks": {"zh": "物资储备", "en": "Relief stocks"},
    "fix_here": {"zh": "请修正：", "en": "Please fix:"},
    "valid": {"zh": "情景有效", "en": "The scenario is valid"},
    # what-if
    "staff_scale": {"zh": "监管人员倍数：{kind}", "en": "Staff multiplier: {kind}"},
    "contract_rented": {
        "zh": "以政企合作签约替代临时租用车辆",
        "en": "Replace rented vehicles with contracted ones",
    },
    "flood_scale": {"zh": "汛期强度（洪水事件倍数）", "en": "Flood intensity (× flood incidents)"},
    "relief_scale": {"zh": "物资储备标准倍数", "en": "Relief standard (× stock)"},
    "model": {"zh": "模型", "en": "Model"},
    "model_response": {"zh": "应急响应", "en": "Emergency response"},
    "model_inspections": {"zh": "监管检查", "en": "Inspections"},
    "years": {"zh": "仿真年数", "en": "Years simulated"},
    "reps": {"zh": "重复次数", "en": "Replications"},
    "seed": {"zh": "随机种子", "en": "Seed"},
    "run": {"zh": "运行", "en": "Run"},
    "running": {"zh": "正在运行…", "en": "Running…"},
    "progress_runs": {
        "zh": "已完成 {done}/{total} 次运行 · 已用 {s:,.0f} 秒",
        "en": "{done}/{total} runs done · {s:,.0f} s so far",
    },
    "progress_solve": {"zh": "正在优化 · 已用 {s:,.0f} 秒", "en": "Optimising · {s:,.0f} s so far"},
    "progress_left": {"zh": "约剩 {s:,.0f} 秒", "en": "about {s:,.0f} s left"},
    "job_failed": {"zh": "运行失败", "en": "The run failed"},
    "problem_original": {"zh": "英文原文", "en": "Original text"},
    "baseline": {"zh": "基准", "en": "Baseline"},
    "whatif": {"zh": "假设情景", "en": "What-if"},
    "change": {"zh": "变化", "en": "Change"},
    "ci": {"zh": "95%置信区间 ±{h}", "en": "95% CI ±{h}"},
    "no_run": {"zh": "设置参数后点击“运行”。", "en": "Set the parameters and press Run."},
    "by_district": {"zh": "分区县结果", "en": "By district"},
    "response_hist": {"zh": "响应时间分布", "en": "Response-time distribution"},
    # optimize
    "opt_model": {"zh": "优化模型", "en": "Location model"},
    "n_vehicles": {"zh": "车辆数", "en": "Vehicles"},
    "budget": {"zh": "年度预算（元，0 = 不限）", "en": "Yearly budget (yuan, 0 = none)"},
    "standard": {
        "zh": "统一响应标准（分钟，0 = 按区域）",
        "en": "One standard (min, 0 = by region)",
    },
    "resolution": {"zh": "需求点", "en": "Demand points"},
    "res_district": {"zh": "区县中心", "en": "District centres"},
    "res_grid": {"zh": "约1000个网格", "en": "~1,000 grid cells"},
    "res_township": {"zh": "乡镇街道（情景默认）", "en": "Townships (the scenario's own)"},
    "verify_reps": {"zh": "仿真验证重复次数", "en": "Replications to verify"},
    "optimize": {"zh": "优化", "en": "Optimize"},
    "objective": {"zh": "目标值", "en": "Objective"},
    "status": {"zh": "状态", "en": "Status"},
    "gap": {"zh": "最优间隙", "en": "Gap"},
    "spend": {"zh": "年度费用（元）", "en": "Yearly cost (yuan)"},
    "spend_planned": {
        "zh": "规划车辆年度费用（元，固定+预计按次）",
        "en": "Yearly cost of the planned vehicles (yuan, fixed + expected per use)",
    },
    "paired_change_ci": {
        "zh": "变化（配对差 ± 95%置信区间）",
        "en": "Change (paired ± 95% CI)",
    },
    "paired_vs_today": {
        "zh": "与现状相比（配对差 ± 95%置信区间）",
        "en": "Change from today (paired ± 95% CI)",
    },
    "others_today": {"zh": "其他车辆（现状，保留）", "en": "Other vehicles today (kept)"},
    "plan_adds": {
        "zh": "方案布置{kinds}；现状的其他 {n} 辆车（如临时租用车辆）保持不变，"
        "不计入上表的“现状”。",
        "en": "The plan places {kinds}; today's {n} other vehicles (e.g. rented) stay as they "
        "are and are not counted in 'Today' above.",
    },
    "plan_map": {"zh": "车辆布局", "en": "Vehicle plan"},
    "today": {"zh": "现状", "en": "Today"},
    "plan": {"zh": "方案", "en": "Plan"},
    "verification": {
        "zh": "仿真验证（同一随机数，配对比较）",
        "en": "Simulated verification (same random numbers, paired)",
    },
    "no_plan": {"zh": "无可行方案", "en": "No plan"},
    "save_plan": {"zh": "保存方案以供比较", "en": "Save the plan for comparison"},
    "plan_saved": {
        "zh": "已保存方案 {name}（运行批次 {sweep}），可在“方案比较”页比较",
        "en": "Saved plan {name} (run {sweep}); compare it on the Compare page",
    },
    "opt_target": {"zh": "优化对象", "en": "What to plan"},
    "target_vehicles": {"zh": "应急车辆布局", "en": "Emergency vehicles"},
    "target_frequencies": {
        "zh": "检查频次（按类别、风险等级、区县）",
        "en": "Inspection cadence (category, risk tier, district)",
    },
    "target_staff": {
        "zh": "检查人员配置（区县 × 类别）",
        "en": "Inspector headcounts (district × kind)",
    },
    "target_stocks": {
        "zh": "救灾物资储备（储备点 × 物资，乡镇标准）",
        "en": "Relief stocks (reserve point × item, township standard)",
    },
    "stock_budget": {
        "zh": "储备年度费用上限（元/年；0 = 现状库存的年度费用）",
        "en": "Yearly cost of holding stock, at most (yuan a year; 0 = today's)",
    },
    "stock_episodes": {"zh": "每个样本的灾害情景数", "en": "Disaster episodes a sample"},
    "stock_townships": {"zh": "乡镇可设储备点", "en": "Townships may hold stock"},
    "stock_note": {
        "zh": "两阶段随机规划：先定各储备点各物资库存（年度费用 = 单价 ×（保管费率 + 1/"
        "储存年限）），再对每个灾害情景（响应模型生成的 14 天灾害，含按重现期加权的特大洪水）"
        "按时（首批时限内）、超时或未满足调运，超时与缺口按物资单价的倍数计罚（情景设定"
        " [relief_planning]）。两个样本求解，另取新情景评估并给出最优性差距；现状库存、按人口"
        "定额、方案与乡镇标准在响应仿真中同一批灾害下配对比较。情景数少时方案只适合其样本（见新情景"
        "评估）；命令行默认 200 个。单进程，全市约需一至数分钟。",
        "en": "A two-stage stochastic program: first the stock of each item at each reserve "
        "point (a unit a year costs its price × (upkeep share + 1 / shelf life)), then for "
        "each disaster episode (14 days of the response model's disasters, the great flood "
        "weighted by its return period) relief on time (within the first batch's deadline), "
        "late or unmet, late and unmet priced as multiples of the item's price (the "
        "scenario's [relief_planning]). Two samples are solved, the plans priced on fresh "
        "episodes with an optimality gap; today's stocks, the per-capita rule, the plan and "
        "the township standard are simulated on the same disasters and compared pairwise. "
        "With few episodes the plan fits its sample (the fresh-episode pricing shows it); the "
        "CLI's default is 200. One process: a minute or a few for the city.",
    },
    "stock_cost_metric": {"zh": "储备年度费用（元/年）", "en": "Stock cost (yuan a year)"},
    "stock_expected": {"zh": "期望年度总成本（元/年）", "en": "Expected cost (yuan a year)"},
    "stock_gap": {"zh": "最优性差距（元/年）", "en": "Optimality gap (yuan a year)"},
    "stock_gap_help": {
        "zh": "方案在新情景下的成本减样本平均下界；95%置信上界 ≤ {bound} 元/年",
        "en": "The plan's fresh-episode cost minus the SAA lower bound; 95% upper bound "
        "≤ {bound} yuan a year",
    },
    "stock_expected_help": {
        "zh": "在新灾害情景下评估：储备费用 + 超时与缺口罚金的期望，± 95%置信区间半宽 {hw} 元/年",
        "en": "Priced on fresh disaster episodes: stock cost + expected late and unmet "
        "penalties, ± {hw} yuan a year (95% CI)",
    },
    "stock_vss": {"zh": "随机解价值 VSS（元/年）", "en": "VSS (yuan a year)"},
    "stock_vss_help": {
        "zh": "随机规划方案相对期望值方案的节约；完全信息期望价值 EVPI {evpi} 元/年",
        "en": "Value of the stochastic solution (what planning for the spread of disasters "
        "saves over planning for the mean); EVPI {evpi} yuan a year",
    },
    "stock_worse": {
        "zh": "方案在新情景下的期望成本高于现状库存：情景数太少，方案只适合其样本。请增加情景数"
        "（命令行默认 200）。",
        "en": "The plan costs more than today's stocks on fresh episodes: too few episodes, "
        "the plan fits its sample. Use more episodes (the CLI's default is 200).",
    },
    "stock_map_note": {
        "zh": "底色：各区县所储物资的年度费用（方案）；圆点：方案新设的乡镇储备点，大小按车载量。",
        "en": "Shading: the yearly cost of the stock each district holds (plan); dots: the "
        "plan's township stores, sized by truckloads.",
    },
    "stock_standard": {
        "zh": "乡镇救灾物资储备标准（每千名常住人口的件数）",
        "en": "Township reserve standard (items per 1,000 residents)",
    },
    "stock_class": {"zh": "乡镇类别", "en": "Township class"},
    "stock_n_townships": {"zh": "乡镇数", "en": "Townships"},
    "stock_stocked": {"zh": "方案储备的乡镇占比", "en": "Stocked in the plan"},
    "stock_standard_note": {
        "zh": "类别：街道或乡镇 × 所在区县的灾害暴露（每千人每年预期救灾物资需求）高于或低于"
        "区县中位数。标准 = 该类乡镇的方案库存 ÷ 常住人口 × 1000。",
        "en": "Classes: subdistrict (街道) or town/township (镇/乡) × its district's exposure "
        "(expected relief items a year per 1,000 residents) above or below the median "
        "district. Standard = the class's planned stock ÷ its residents × 1,000.",
    },
    "stock_no_townships": {
        "zh": "情景没有乡镇表：只在现有仓库间布局，没有乡镇标准。",
        "en": "The scenario lists no townships: stock is placed over its warehouses only, "
        "and there is no township standard.",
    },
    "stock_map": {
        "zh": "各区县储备年度费用（元/年，方案）与乡镇储备点",
        "en": "Stock held by district (yuan a year, plan) and township stores",
    },
    "stock_levels": {"zh": "按层级的库存（件）", "en": "Stock by level (units)"},
    "stock_level": {"zh": "层级", "en": "Level"},
    "level_city": {"zh": "市级", "en": "City"},
    "level_district": {"zh": "区县", "en": "District"},
    "level_township": {"zh": "乡镇", "en": "Township"},
    "stock_eval": {
        "zh": "新灾害情景下的评估（元/年，95%置信区间）",
        "en": "Priced on fresh disaster episodes (yuan a year, 95% CI)",
    },
    "stock_case": {"zh": "方案", "en": "Case"},
    "stock_unmet": {"zh": "缺口（件/年）", "en": "Unmet (units a year)"},
    "stock_late": {"zh": "超时（件/年）", "en": "Late (units a year)"},
    "stock_case_today": {"zh": "现状库存", "en": "Today's stocks"},
    "stock_case_rule": {"zh": "按人口定额", "en": "Per-capita rule"},
    "stock_case_plan": {"zh": "优化方案", "en": "The plan"},
    "stock_case_standard": {"zh": "乡镇储备标准", "en": "Township standard"},
    "stock_case_expected_value": {"zh": "期望值方案", "en": "Expected-value plan"},
    "stock_sim": {
        "zh": "响应仿真（与现状配对差，95%置信区间）：{year}",
        "en": "Simulated (paired difference from today, 95% CI): {year}",
    },
    "stock_year_ordinary": {"zh": "普通年份", "en": "an ordinary year"},
    "stock_year_surge": {"zh": "{name}年份", "en": "a year with {name}"},
    "stock_points": {"zh": "储备点明细（方案）", "en": "Reserve points (plan)"},
    "stock_point": {"zh": "储备点", "en": "Reserve point"},
    "stock_truckloads": {"zh": "车", "en": "truckloads"},
    "stock_cost_col": {"zh": "年度费用（元/年）", "en": "Yuan a year"},
    "staff_objective": {"zh": "目标", "en": "Objective"},
    "staff_obj_ontime": {"zh": "按期检查数最多", "en": "Most inspections on time"},
    "staff_obj_deaths": {"zh": "预期死亡最少", "en": "Fewest expected deaths"},
    "staff_note": {
        "zh": "按检查模型各区县的人员—效果曲线规划（曲线按情景内容缓存），总费用不超过现状，"
        "每个单元变动不超过上限（按整人向外取整：3 人的单元可变 1 人），可购买第三方等按次付费的"
        "检查服务；每轮在方案落点补采样曲线后重新求解，直至稳定；方案与按场所数、人口、风险分配的"
        "三条规则一起全市仿真验证。单进程运行，全市首次约需十余分钟，之后曲线取自缓存。",
        "en": "Planned from the inspection model's district curves of outcome against staff "
        "(cached by scenario content), at no more than today's cost and within the change "
        "limit (rounded outwards to whole heads: a unit of 3 may change by 1), with inspections "
        "that may be bought per visit (third-party services); each round samples the curves "
        "where the plan lands and solves again until it is stable; the plan and three rules "
        "(by premises, population, risk) are simulated on the whole city. One process here: "
        "over ten minutes the first time for a city, then the curves come from the cache.",
    },
    "staff_cost": {
        "zh": "人员与购买服务年度费用（元）",
        "en": "Staff and bought inspections a year (yuan)",
    },
    "staff_cost_note": {
        "zh": "此费用只含方案所调整的人员（区县、乡镇人员及购买服务），按规划口径：岗位与装备，"
        "购买服务按其工时可完成的全部检查计费（上限，保证方案不超预算）。验证表中的“监管系统年成本”"
        "是全市全部人员（含市级队伍、乡镇装备）的仿真值，两者应比较变化量：仿真中购买服务实际检查"
        "次数较少，节省通常多于规划值。",
        "en": "This cost covers only the staff the plan sets (district and township staff, bought "
        "inspections), as planned: posts and kits, bought inspections priced at every visit "
        "their hours could make (an upper bound, so the plan stays within budget). The "
        "verification's inspection system cost is the whole system simulated (the city corps "
        "and township kits included): compare the changes — simulated, bought posts make fewer "
        "visits, so the saving there is usually larger.",
    },
    "staff_not_significant": {
        "zh": "，不显著（区间含 0）",
        "en": ", not significant (the interval contains 0)",
    },
    "staff_plan_minus_rule": {"zh": "方案−规则", "en": "Plan − rule"},
    "staff_versus_rules": {
        "zh": "方案与三条规则直接配对比较",
        "en": "The plan paired with each rule directly",
    },
    "staff_versus_rules_note": {
        "zh": "差值为方案−规则 ± 95% 置信区间（同一随机数）；区间不含 0 时方案与该规则差别显著。",
        "en": "Differences are plan − rule ± 95% CI (same random numbers); an interval without 0 "
        "is a significant difference.",
    },
    "staff_moved": {"zh": "调整的单元", "en": "Units changed"},
    "staff_est_ontime": {"zh": "优化估计（按期检查/年）", "en": "Estimate (on-time a year)"},
    "staff_est_deaths": {"zh": "优化估计（避免死亡/年）", "en": "Estimate (deaths averted)"},
    "staff_moved_help": {
        "zh": "调整的人数合计：{heads:,} 人",
        "en": "Heads moved in all: {heads:,}",
    },
    "staff_pm_note": {
        "zh": "差值为与现状的配对差 ± 95% 置信区间（同一随机数）；区间包含 0 时差别不显著。",
        "en": "Differences are paired with today ± 95% CI (same random numbers); an interval "
        "containing 0 is no significant difference.",
    },
    "staff_table": {"zh": "人员调整（区县 × 类别）", "en": "Staff changes (district × kind)"},
    "staff_cost_change": {"zh": "费用变化（元/年）", "en": "Cost change (yuan a year)"},
    "staff_case_plan": {"zh": "方案−现状", "en": "Plan − today"},
    "staff_case_by_sites": {"zh": "按场所数−现状", "en": "By premises − today"},
    "staff_case_by_population": {"zh": "按人口−现状", "en": "By population − today"},
    "staff_case_by_risk": {"zh": "按风险−现状", "en": "By risk − today"},
    "staff_case_plan_vs_by_sites": {"zh": "方案−按场所数", "en": "Plan − by premises"},
    "staff_case_plan_vs_by_population": {"zh": "方案−按人口", "en": "Plan − by population"},
    "staff_case_plan_vs_by_risk": {"zh": "方案−按风险", "en": "Plan − by risk"},
    "staff_rounds": {
        "zh": "迭代 {rounds} 轮（{state}）：每轮在方案落点补采样区县曲线后重新求解，直到方案落在"
        "已采样的点上。全市仿真的目标增益 {sim}（优化估计 {est}）。",
        "en": "{rounds} rounds ({state}): each round samples the district curves where the plan "
        "lands and solves again, until the plan stands on sampled points. Simulated on the "
        "whole city, the gain on the objective is {sim} (optimizer's estimate {est}).",
    },
    "staff_margin": {
        "zh": "边际效益：方案下每增加一万元（前 10 个区县，各取最优人员类别）",
        "en": "What the next 10,000 yuan buys at the plan (top 10 districts, best kind each)",
    },
    "staff_margin_value_deaths": {
        "zh": "每万元避免死亡（人/年）",
        "en": "Deaths averted a year per 10,000 yuan",
    },
    "staff_margin_value_ontime": {
        "zh": "每万元增加按期检查（次/年）",
        "en": "On-time inspections a year per 10,000 yuan",
    },
    "staff_versus": {
        "zh": "与按场所数分配差别最大之处",
        "en": "Where the plan differs most from the by-premises rule",
    },
    "staff_by_sites": {"zh": "按场所数", "en": "By premises"},
    "staff_versus_note": {
        "zh": "最后一列为按规则人数时再增一人每万元的增益（拟合曲线斜率）：方案在增益高处多配、"
        "低处少配；负值表示在拟合曲线上再增人反而降低目标（多为仿真噪声或人员过剩）。",
        "en": "Last column: the gain of one more head per 10,000 yuan at the rule's headcount "
        "(the fitted curve's slope): the plan adds where it is high and takes where it is low; "
        "a negative value means one more head lowers the objective on the fitted curve "
        "(mostly the simulation's noise, or staff to spare).",
    },
    "staff_at_rule": {"zh": "规则人数处每万元增益", "en": "Gain per 10,000 yuan at the rule"},
    "staff_stable": {"zh": "已稳定", "en": "stable"},
    "staff_not_stable": {"zh": "达到轮数上限，未稳定", "en": "round limit reached, not stable"},
    "staff_bought": {
        "zh": "购买第三方等按次付费的检查服务：{posts:,} 人年，{n:,} 个区县，{cost:,.0f} 元/年。",
        "en": "Inspections bought per visit (e.g. third-party services): {posts:,} posts in "
        "{n:,} districts, {cost:,.0f} yuan a year.",
    },
    "freq_util": {"zh": "计划利用率上限", "en": "Planned utilisation cap per pool"},
    "freq_move_staff": {
        "zh": "同时调整区县、乡镇人员",
        "en": "Move district and township staff too",
    },
    "freq_max_change": {
        "zh": "人员变动上限（占现状）",
        "en": "Change limit per unit (share of today)",
    },
    "freq_reps": {"zh": "曲线每点重复次数", "en": "Replications per curve point"},
    "freq_note": {
        "zh": "按检查模型自身行为规划：先仿真各类场所在不同检查间隔下的预期死亡"
        "（曲线按情景内容缓存），再在各人员池可用工时内求解混合整数规划，最后全市仿真验证。"
        "单进程运行，全市约需数分钟。",
        "en": "Planned from the inspection model's own behaviour: expected deaths of every class "
        "at several intervals are simulated (curves cached by scenario content), a MIP chooses "
        "intervals within each pool's hours, and the plan is simulated on the whole city. "
        "One process here: a few minutes for a city.",
    },
    "freq_rounds": {"zh": "迭代轮数", "en": "Rounds"},
    "freq_saturated_kept": {
        "zh": "{n} 个岗位池在方案中始终满负荷（≥98%）：其类别改用最短允许间隔后，模拟的预期死亡"
        "比方案再变化 {d} ± {hw} 人/年，故采用（满负荷时缩短间隔会挤占投诉、复查等工作时间，"
        "工时模型无法估计，由模拟判定）。",
        "en": "{n} job pools stay fully busy (≥ 98%) under the plan: with their classes at the "
        "shortest intervals allowed the simulated expected deaths change by {d} ± {hw} a "
        "year against the plan, so that variant is kept (in a full pool shorter intervals "
        "take time from complaints and reinspections, which the hours model cannot "
        "value; the simulation decides).",
    },
    "freq_saturated_not": {
        "zh": "{n} 个岗位池在方案中始终满负荷（≥98%）：其类别改用最短允许间隔后，模拟的预期死亡"
        "比方案变化 {d} ± {hw} 人/年，未采用。",
        "en": "{n} job pools stay fully busy (≥ 98%) under the plan: with their classes at the "
        "shortest intervals allowed the simulated expected deaths change by {d} ± {hw} a "
        "year against the plan, so the plan keeps its own intervals there.",
    },
    "freq_stable": {"zh": "已稳定", "en": "stable"},
    "freq_not_stable": {"zh": "未完全稳定", "en": "not yet stable"},
    "freq_cadence": {"zh": "推荐检查频次表", "en": "Recommended cadence"},
    "freq_category": {"zh": "场所类别", "en": "Category"},
    "freq_tier": {"zh": "风险等级", "en": "Risk tier"},
    "freq_sites": {"zh": "场所数", "en": "Sites"},
    "freq_visits": {"zh": "每处每年检查次数", "en": "Visits a site a year"},
    "freq_districts_differ": {"zh": "间隔不同的区县", "en": "Districts with another interval"},
    "freq_bounds": {"zh": "允许范围", "en": "Bounds"},
    "freq_map": {"zh": "各区县例行检查次数变化", "en": "Change in routine visits by district"},
    "freq_map_label": {"zh": "检查次数变化（%）", "en": "Change in visits (%)"},
    "freq_targeting": {
        "zh": "人手不足时优先保障的检查",
        "en": "Visits to keep first when staff fall short",
    },
    "freq_worth": {
        "zh": "每千工时避免死亡（人/年）",
        "en": "Deaths averted a year per 1,000 hours",
    },
    "freq_margin": {
        "zh": "边际效益：每万元增员避免的死亡",
        "en": "Deaths averted per 10,000 yuan of one more head",
    },
    "freq_district": {"zh": "区县", "en": "District"},
    "freq_kind": {"zh": "人员类别", "en": "Staff kind"},
    "freq_margin_value": {
        "zh": "每万元避免死亡（人/年）",
        "en": "Deaths averted a year per 10,000 yuan",
    },
    "no_opt_run": {"zh": "设置参数后点击“优化”。", "en": "Set the parameters and press Optimize."},
    "freq_metrics_note": {
        "zh": "方案的仿真结果（箭头：与现状的配对差 ± 95% 置信区间；悬停查看现状）",
        "en": "The plan, simulated (arrows: paired difference from today ± 95% CI; hover for "
        "today)",
    },
    "freq_plan_most": {"zh": "方案（多数场所）", "en": "Plan (most sites)"},
    "freq_margin_note": {
        "zh": "0 表示该区县人员池尚有空闲工时：增员买不到更多检查。",
        "en": "0: the district's pools have hours to spare — more staff there buy no visits.",
    },
    "freq_case_plan": {"zh": "方案−现状", "en": "Plan − today"},
    "freq_case_uniform_pools": {"zh": "各池统一比例−现状", "en": "Uniform (every pool) − today"},
    "freq_case_uniform_city": {"zh": "全市统一比例−现状", "en": "Uniform (city total) − today"},
    "freq_case_plan_vs_uniform_city": {
        "zh": "方案−全市统一比例",
        "en": "Plan − uniform (city total)",
    },
    "freq_rules_note": {
        "zh": "统一比例规则：所有间隔乘同一系数（保持在允许范围内）——"
        "各人员池均不超计划工时时为 × {pools:.2f}"
        "（为 1.00 时即现状：已满负荷的人员池不允许任何增加）；"
        "只要求全市总工时不超时为 × {city:.2f}（即各类均取最短允许间隔）。"
        "后者使部分人员池超负荷、按期率下降；方案则让每个人员池都在计划利用率以内。"
        "差值为配对差 ± 95% 置信区间。",
        "en": "Uniform rules: every interval × one factor (kept within its bounds) — × {pools:.2f} "
        "when every pool stays within its planned hours (1.00 means today: a full pool allows no "
        "increase), × {city:.2f} when only the city's total does (every class at its shortest "
        "allowed interval). The latter overloads some pools and the on-time share falls; the plan "
        "keeps every pool within the planned utilisation. Differences are paired ± 95% CI.",
    },
    "freq_staff_moved": {
        "zh": "人员调整：{units:,} 个单元，{heads:,} 人，年费用变化 {cost:+,.0f} 元",
        "en": "Staff moved: {units:,} units, {heads:,} heads, cost change {cost:+,.0f} yuan a year",
    },
    # compare / runs
    "sweep": {"zh": "运行批次", "en": "Sweep"},
    "case_a": {"zh": "方案A（参照）", "en": "Plan A (reference)"},
    "case_b": {"zh": "方案B", "en": "Plan B"},
    "b_minus_a": {"zh": "B − A（配对差，95%置信区间）", "en": "B − A (paired, 95% CI)"},
    "better": {"zh": "B更好的区县", "en": "Districts where B is better"},
    "no_runs": {
        "zh": "尚无运行记录：在“假设分析”页运行一次即可。",
        "en": "No runs yet: run one on the What-if page.",
    },
    "delete": {"zh": "删除", "en": "Delete"},
    "deleted": {"zh": "已删除批次 {sid}（{n} 次运行）", "en": "Deleted sweep {sid} ({n} runs)"},
    "delete_confirm": {"zh": "确认删除 {sid}", "en": "Yes, delete {sid}"},
    "build_xlsx": {"zh": "生成Excel文件", "en": "Build the Excel file"},
    "solve_status_optimal": {"zh": "最优（已证明）", "en": "optimal"},
    "solve_status_feasible": {"zh": "可行（未证明最优）", "en": "feasible (not proven optimal)"},
    "solve_status_infeasible": {"zh": "无可行方案", "en": "infeasible"},
    "solve_status_error": {"zh": "求解出错", "en": "solver error"},
    "sweep_status_done": {"zh": "完成", "en": "done"},
    "sweep_status_running": {"zh": "运行中", "en": "running"},
    "sweep_status_interrupted": {"zh": "已中断（可续跑）", "en": "interrupted (resumable)"},
    "build_html": {"zh": "生成HTML报告", "en": "Build the HTML report"},
    "export_csv": {"zh": "导出CSV", "en": "Export CSV"},
    "export_xlsx": {"zh": "导出Excel", "en": "Export Excel"},
    "export_html": {"zh": "导出HTML报告", "en": "Export HTML report"},
    "fleet_cost": {
        "zh": "车辆年费用（元，固定+按次）",
        "en": "Vehicle cost per year (yuan, fixed + per use)",
    },
    "fleet_cost_fixed": {
        "zh": "车辆年固定费用（元；按次费用需应急响应模型运行）",
        "en": "Vehicle fixed cost per year (yuan; per-use fees need a response-model run)",
    },
}


#: Headers of the app's generic table columns (the data's own codes stay in the data).
COLUMNS: dict[str, tuple[str, str]] = {
    "sweep_id": ("批次编号", "Sweep id"),
    "adcode": ("区划代码", "Division code"),
    "name": ("名称", "Name"),
    "district": ("区县", "District"),
    "status": ("状态", "Status"),
    "tasks": ("任务数", "Tasks"),
    "runs": ("已完成运行", "Runs done"),
    "created": ("创建时间", "Created"),
    "finished": ("完成时间", "Finished"),
    "code_version": ("代码版本", "Code version"),
    "level": ("层级", "Level"),
    "key": ("对象", "Key"),
    "kpi": ("指标", "KPI"),
    "kpi_code": ("指标代码", "KPI code"),
    "case": ("方案", "Case"),
    "case_name": ("方案", "Case"),
    "mean": ("均值", "Mean"),
    "half_width": ("95%置信区间半宽", "95% CI half-width"),
    "low": ("下限", "Low"),
    "high": ("上限", "High"),
    "reps": ("重复次数", "Replications"),
    "value": ("数值", "Value"),
    "label_zh": ("指标（中文）", "KPI (Chinese)"),
    "label_en": ("指标（英文）", "KPI (English)"),
    "unit": ("单位", "Unit"),
    "n": ("样本数", "n"),
    "std": ("标准差", "Std. dev."),
    "stock_units": ("库存（件）", "Stock (units)"),
    "availability": ("可用率", "Availability"),
    "cost_yuan_per_year": ("年费用（元）", "Cost (yuan a year)"),
    "cost_yuan_per_use": ("每次使用费用（元）", "Cost per use (yuan)"),
}


def column_label(code: str, lang: str) -> str:
    """A generic column's header in ``lang`` (the code itself if the table has no label)."""
    pair = COLUMNS.get(code)
    return code if pair is None else pair[0 if lang == "zh" else 1]


#: The scenario checks' English phrases and their Chinese (longest first where one contains
#: another); a line none of them matches is shown as it is, beside its original.
PROBLEM_PHRASES: list[tuple[str, str]] = [
    (r"Input should be greater than or equal to ([^ ()]+)", r"应大于或等于 \1"),
    (r"Input should be greater than ([^ ()]+)", r"应大于 \1"),
    (r"Input should be less than or equal to ([^ ()]+)", r"应小于或等于 \1"),
    (r"Input should be less than ([^ ()]+)", r"应小于 \1"),
    (r"Input should be a finite number", "应为有限数值"),
    (
        r"Input should be a valid integer, unable to parse string as an integer",
        "应为整数（无法把这段文字读成整数）",
    ),
    (
        r"Input should be a valid integer, got a number with a fractional part",
        "应为整数（不能带小数）",
    ),
    (r"Input should be a valid integer", "应为整数"),
    (
        r"Input should be a valid number, unable to parse string as a number",
        "应为数值（无法把这段文字读成数值）",
    ),
    (r"Input should be a valid number", "应为数值"),
    (r"Input should be a valid string", "应为文字"),
    (r"Input should be a valid dictionary", "应为表（键 = 值）"),
    (r"Input should be a valid list", "应为列表"),
    (r"a number is needed, got ([^ ()]+)", r"需要数值，收到 \1"),
    (r"Field required", "缺少必填项"),
    (r"Extra inputs are not permitted", "不允许的字段（拼写是否有误？）"),
    (r"names nothing — no '([^']*)' in ([^;]+); \2 has", r"不存在：\2 中没有 '\1'；现有"),
    (r"TOML syntax error", "TOML 语法错误"),
    (r"file not found", "找不到文件"),
    (r"not UTF-8 text", "不是 UTF-8 文本"),
    (r"unknown top-level key\(s\)", "未知的顶层键"),
    (r"missing column\(s\)", "缺少列"),
    (r"missing table\(s\)", "缺少数据表"),
    (r"unknown table", "未知的数据表"),
    (r"the header is", "表头为"),
    (
        r"unknown key \(check the spelling; see docs/scenario-format.md\)",
        "未知的键（请检查拼写，参见 docs/scenario-format.md）",
    ),
    (r"unknown (incident type|site category|region group|risk tier|commodity)", r"未知的\1"),
    (r"unknown vehicle kind column", "未知的车辆类型列"),
    (r"; defined:", "；已定义："),
    (r"; allowed:", "；允许："),
    (r"is required", "为必填项"),
    (r"must be > 0", "必须大于 0"),
    (r"must be a file name inside the scenario's folder", "必须是情景文件夹内的文件名"),
    (r"^overrides \[overrides\] ", "修改项 "),
    (r"\(got ([^)]*)\)", r"（输入值 \1）"),
]


def problem_text(line: str, lang: str) -> tuple[str, bool]:
    """A scenario check's message in ``lang``, and whether all of it could be put in that
    language (English stays as it is; Chinese translates the checks' standard phrases)."""
    import re

    if lang != "zh":
        return line, True
    out, hits = line, 0
    for pattern, repl in PROBLEM_PHRASES:
        out, n = re.subn(pattern, repl, out)
        hits += n
    words = re.sub(r"'[^']*'|\[[^\]]*\]|\([^)]*\)|[0-9.,_:/-]+", "", out)
    english_left = len(re.findall(r"[A-Za-z]{3,}", words))
    return out, hits > 0 and english_left <= 2


def t(key: str, lang: str) -> str:
    """The label ``key`` in language ``lang`` (``zh`` or ``en``)."""
    return LABELS[key][lang]
