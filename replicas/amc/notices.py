"""The free-form body of an AMC disposal notice, as HTML, from a generator `Notice`.

The bodies look like what the AMCs paste from Word: ``<p class="MsoNormal">`` paragraphs, ``&nbsp;`` and
full-width spaces, and claim tables in one of these layouts (``Notice.style``):

====  ===============================================================================================
A     one header row, units in the headers (``本金（元）`` / ``本金（万元）``), ``<td colspan="4">合计</td>``
B     two header rows: ``债权金额（万元）`` spanning spaced ``本 金 / 利 息 / 合 计``; a debtor with two loans in one
      ``rowspan`` cell; a loan with two collateral items on two rows whose amount cells span both (rowspan)
C     ``单位：万元`` in a paragraph above the table; 地区 cells spanning their rows; a ``小计`` row after each
      region, then ``合计``; a fees column
D     ``金额单位：元`` above; a ``币种`` column with 人民币 / 美元 / 港元 rows; one ``…合计`` row per currency
E     ``基准日`` column (each loan its own as-of date), units ``（人民币元）`` in the headers, fees
F     no unit anywhere (the amounts cannot be read as money without guessing)
G     A plus odd rows: ``详见附件`` in an interest cell, a row without a debtor, a continuation row without
      序号 holding a second collateral item, a note row spanning the table before ``合计``
====  ===============================================================================================

Prose states the as-of date (``截至2026年6月30日``), often the package totals (in 万元) and the number of
households (``82户``); the period is a 公告期, an online auction (竞价), a deadline (``请于…前``) or nothing
definite; attachments are PDF / XLS links. `prose_unit` says how the prose writes the package totals.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from html import escape

from replicas.amc.generator import (
    _CURRENCY_NAMES,
    WAN,
    LoanRow,
    Notice,
    cn_date,
    cn_datetime,
    fmt,
    q,
    stated_totals,
)

NBSP = "&nbsp;"
FULL_SPACE = "\u3000"


def prose_unit(notice: Notice) -> str:
    """The unit of the package totals in the prose: 元 for a single claim, 万元 otherwise."""
    return "yuan" if notice.kind == "single" else "wan"


def money_text(value: Decimal, unit: str) -> str:
    return f"人民币{fmt(value, unit)}{'万元' if unit == 'wan' else '元'}"


def _p(text: str, *, style: str = "", bold: bool = False) -> str:
    inner = f"<b>{text}</b>" if bold else text
    attrs = f' style="{style}"' if style else ""
    return f'<p class="MsoNormal"{attrs}><span style="font-family:仿宋;font-size:12pt">{inner}</span></p>'


def _td(text: str = "", *, rowspan: int = 1, colspan: int = 1, word: bool = False) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in (("rowspan", rowspan), ("colspan", colspan)) if v > 1)
    body = f'<p class="MsoNormal" align="center"><span>{text}</span></p>' if word else text
    return f"<td{attrs}>{body}</td>"


def _tr(cells: list[str]) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _table(rows: list[str], *, word: bool = False) -> str:
    attrs = ' class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="100%"' if word else (
        ' border="1" cellspacing="0" cellpadding="3" style="border-collapse:collapse;width:100%"')
    return f"<table{attrs}><tbody>" + "".join(rows) + "</tbody></table>"


def _names(items: tuple[str, ...]) -> str:
    return "、".join(escape(x) for x in items) if items else "无"


def _unit_label(unit: str, form: str = "paren") -> str:
    if unit == "none":
        return ""
    name = "万元" if unit == "wan" else "元"
    return {"paren": f"（{name}）", "rmb": f"（人民币{name}）", "unit": f"（单位：{name}）"}[form]


# --------------------------------------------------------------------------------------------- tables


def _amount_cells(row: LoanRow, unit: str, *, fees: bool, rowspan: int = 1) -> list[str]:
    interest = "详见附件" if row.odd == "interest_text" else fmt(row.interest, unit)
    cells = [_td(fmt(row.principal, unit), rowspan=rowspan), _td(interest, rowspan=rowspan)]
    if fees:
        cells.append(_td(fmt(row.fees or Decimal(0), unit), rowspan=rowspan))
    cells.append(_td(fmt(row.total, unit), rowspan=rowspan))
    return cells


def _sum_cells(sums: dict[str, Decimal], unit: str, *, fees: bool) -> list[str]:
    keys = ["principal", "interest", *(["fees"] if fees else []), "total"]
    return [_td(fmt(sums[k], unit)) for k in keys]


def _sums(rows: list[LoanRow]) -> dict[str, Decimal]:
    return {
        "principal": sum((r.principal for r in rows), Decimal(0)),
        "interest": sum((r.interest for r in rows), Decimal(0)),
        "fees": sum((r.fees or Decimal(0) for r in rows), Decimal(0)),
        "total": sum((r.total for r in rows), Decimal(0)),
    }


def table_a(notice: Notice, *, odd: bool = False) -> str:
    unit = notice.unit
    label = _unit_label(unit)
    word = notice.amc in ("citic", "gwamc")
    head = ["序号", "债务人名称", "保证人", "抵押物", f"本金{label}", f"利息{label}", f"本息合计{label}"]
    rows = [_tr([_td(h, word=word) for h in head])]
    for loan in notice.loans:
        debtor = "" if loan.odd == "no_debtor" else escape(loan.debtor)
        collateral = loan.collateral if not (odd and len(loan.collateral) > 1) else loan.collateral[:1]
        rows.append(_tr([_td(str(loan.seq)), _td(debtor), _td(_names(loan.guarantors)),
                         _td("；".join(escape(c) for c in collateral)), *_amount_cells(loan, unit, fees=False)]))
        if odd and len(loan.collateral) > 1:  # continuation row without 序号: the second collateral item
            rows.append(_tr([_td(), _td(), _td(), _td(escape(loan.collateral[1])), _td(), _td(), _td()]))
    if odd:
        rows.append(_tr([_td("注：以上债权金额仅供参考，最终以债权转让协议约定为准。", colspan=7)]))
    totals = stated_totals(notice).get("CNY")
    if totals is not None:
        rows.append(_tr([_td("合计", colspan=4), *_sum_cells(totals, unit, fees=False)]))
    elif unit == "none":  # no unit stated: the 合计 is there all the same, in the same unknown unit
        s = _sums(list(notice.loans))
        rows.append(_tr([_td("合计", colspan=4), *_sum_cells(s, "yuan", fees=False)]))
    return _table(rows, word=word)


def table_b(notice: Notice) -> str:
    unit = notice.unit
    rows = [
        _tr([_td("序 号", rowspan=2), _td("借款人", rowspan=2), _td("担保人", rowspan=2),
             _td("抵押物", rowspan=2), _td(f"债权金额{_unit_label(unit)}", colspan=3)]),
        _tr([_td("本 金"), _td("利 息"), _td("合 计")]),
    ]
    loans = list(notice.loans)
    i = 0
    while i < len(loans):
        debtor = loans[i].debtor
        group = [loans[i]]
        while i + len(group) < len(loans) and loans[i + len(group)].debtor == debtor:
            group.append(loans[i + len(group)])
        span = sum(len(loan.collateral) for loan in group)
        for k, loan in enumerate(group):
            n = len(loan.collateral)
            cells = [_td(str(loan.seq), rowspan=n)]
            if k == 0:
                cells.append(_td(escape(debtor), rowspan=span))
            cells += [_td(_names(loan.guarantors), rowspan=n), _td(escape(loan.collateral[0])),
                      *_amount_cells(loan, unit, fees=False, rowspan=n)]
            rows.append(_tr(cells))
            for extra in loan.collateral[1:]:
                rows.append(_tr([_td(escape(extra))]))
        i += len(group)
    totals = stated_totals(notice)["CNY"]
    rows.append(_tr([_td("合 计", colspan=4), *_sum_cells(totals, unit, fees=False)]))
    return _table(rows)


def table_c(notice: Notice) -> str:
    unit = notice.unit
    head = ["序号", "地区", "债务人", "担保人", "本金余额", "利息余额", "垫付费用", "债权合计"]
    rows = [_tr([_td(h) for h in head])]
    loans = list(notice.loans)
    groups: dict[str, list[LoanRow]] = {}
    for loan in loans:
        groups.setdefault(loan.group, []).append(loan)
    for region, members in groups.items():
        for k, loan in enumerate(members):
            cells = [_td(str(loan.seq))]
            if k == 0:
                cells.append(_td(escape(region), rowspan=len(members)))
            cells += [_td(escape(loan.debtor)), _td(_names(loan.guarantors)), *_amount_cells(loan, unit, fees=True)]
            rows.append(_tr(cells))
        rows.append(_tr([_td("小计", colspan=4), *_sum_cells(_sums(members), unit, fees=True)]))
    totals = stated_totals(notice)["CNY"]
    rows.append(_tr([_td("合计", colspan=4), *_sum_cells(totals, unit, fees=True)]))
    return _p("单位：万元" if unit == "wan" else "单位：元", style="text-align:right") + _table(rows)


def table_d(notice: Notice) -> str:
    head = ["序号", "债务人名称", "币种", "本金", "利息", "本息合计"]
    rows = [_tr([_td(h) for h in head])]
    for loan in notice.loans:
        rows.append(_tr([_td(str(loan.seq)), _td(escape(loan.debtor)), _td(_CURRENCY_NAMES[loan.currency]),
                         *_amount_cells(loan, "yuan", fees=False)]))
    for currency, totals in stated_totals(notice).items():
        name = _CURRENCY_NAMES[currency]
        rows.append(_tr([_td(f"{name}合计", colspan=2), _td(name), *_sum_cells(totals, "yuan", fees=False)]))
    return _p("金额单位：元") + _table(rows)


def table_e(notice: Notice) -> str:
    label = _unit_label(notice.unit, "rmb")
    head = ["序号", "债务人名称", "保证人", "抵（质）押物", "基准日", f"本金余额{label}", f"利息余额{label}",
            f"代垫费用{label}", f"债权总额{label}"]
    rows = [_tr([_td(h) for h in head])]
    for k, loan in enumerate(notice.loans):
        as_of = loan.as_of or notice.as_of
        as_of_text = f"{as_of:%Y-%m-%d}" if k % 2 == 0 else cn_date(as_of)
        rows.append(_tr([_td(str(loan.seq)), _td(escape(loan.debtor)), _td(_names(loan.guarantors)),
                         _td("；".join(escape(c) for c in loan.collateral)), _td(as_of_text),
                         *_amount_cells(loan, notice.unit, fees=True)]))
    totals = stated_totals(notice)["CNY"]
    rows.append(_tr([_td("合计", colspan=5), *_sum_cells(totals, notice.unit, fees=True)]))
    return _table(rows)


def claim_table(notice: Notice) -> str:
    style = notice.style
    if style in ("A", "F"):
        return table_a(notice)
    if style == "G":
        return table_a(notice, odd=True)
    return {"B": table_b, "C": table_c, "D": table_d, "E": table_e}[style](notice)


# --------------------------------------------------------------------------------------------- prose


def period_text(notice: Notice) -> str:
    start, end = notice.period_start, notice.period_end
    kind = notice.period_kind
    if kind == "range":
        return f"公告期为{cn_date(start)}至{cn_date(end - timedelta(days=1))}。公告期内受理对上述资产的征询和异议。"
    if kind == "auction":
        return (f"本次竞价将于{cn_datetime(start)}至{cn_datetime(end)}在{'阿里资产' if notice.amc != 'coamc' else '东方资产营销网'}"
                f"网络平台进行，竞买人须在竞价开始前完成报名并交纳保证金。")
    if kind == "deadline":
        return f"有意购买者请于{cn_date(end - timedelta(days=1))}前与我公司联系，并提交书面购买意向。"
    return "本公告有效期为自公告发布之日起20个工作日。"


def _variant(notice: Notice) -> int:
    """0, 1 or 2 from the notice's id: which of a form's real variants the notice uses."""
    return sum(map(ord, notice.notice_id)) % 3


def _totals_sentence(notice: Notice) -> str:
    unit = prose_unit(notice)
    p, i = notice.package_principal, notice.package_interest
    if p is None:
        return ""
    total = p + (i or 0)
    if notice.amc == "coamc" and notice.kind != "single":
        # 东方's template: the figures in 【】 blanks (未偿本金人民币【…】万元, 未偿利息人民币【…】万元, idx:62662865461);
        # the 债权总额 blank before them is this replica's invention
        return (f"债权总额人民币【{fmt(total, unit)}】万元，其中未偿本金人民币【{fmt(p, unit)}】万元，"
                f"未偿利息人民币【{fmt(i or Decimal(0), unit)}】万元")
    if notice.kind != "single" and _variant(notice) == 1:
        # the real summary sentence (cases 519/520): 包含债权4户…总金额为9500.20万元…本金3754.02万元，利息5393.29万元
        return (f"该资产包包含债权{notice.households}户，总金额为{fmt(total, unit, commas=False)}万元，其中本金"
                f"{fmt(p, unit, commas=False)}万元，利息{fmt(i or Decimal(0), unit, commas=False)}万元")
    word = "资产包债权" if notice.kind != "single" else "债权"
    joint = "合计" if notice.kind != "single" else ""
    return (f"{word}本金{joint}{money_text(p, unit)}，利息{joint}{money_text(i or Decimal(0), unit)}，"
            f"本息合计{money_text(total, unit)}")


def body_html(notice: Notice, base: str = "") -> str:
    """The notice body (what sits in the detail container), in the order the AMCs write it."""
    out: list[str] = []
    branch = escape(notice.branch)
    kind = notice.kind
    if notice.amc in ("citic", "gwamc") and _variant(notice) == 2:
        # the real bodies (cases 519/520) that repeat the branch name and the title twice at the top
        out += [_p(branch, bold=True), _p(escape(notice.title), bold=True)] * 2
    as_of = f"截至{cn_date(notice.as_of)}" if notice.as_of else ""
    if kind in ("package", "large", "foreign"):
        first = next(x.debtor for x in notice.loans if x.odd != "no_debtor")
        out.append(_p(f"{FULL_SPACE * 2}{branch}（以下简称“我公司”）拟对{escape(first)}等{notice.households}户"
                      f"债权资产（以下简称“资产包”）进行公开处置，特发布此公告。"))
        out.append(_p("一、资产情况", bold=True))
        sentence = _totals_sentence(notice)
        if sentence:
            out.append(_p(f"{FULL_SPACE * 2}{as_of}，{sentence}。该资产包共涉及债务人{notice.households}户。"))
        else:
            out.append(_p(f"{FULL_SPACE * 2}该资产包共涉及债务人{notice.households}户，债权基准日为"
                          f"{cn_date(notice.as_of)}，明细如下："))
        if kind == "large":
            out.append(_p(f"{FULL_SPACE * 2}下表列示其中{len(notice.loans)}户，全部{notice.households}户债权清单详见附件。"))
        out.append(claim_table(notice))
    elif kind == "single":
        out.append(_p(f"{FULL_SPACE * 2}{branch}（以下简称“我公司”）拟对{escape(notice.debtor)}债权进行公开处置，"
                      "特发布此公告。"))
        out.append(_p("一、债权情况", bold=True))
        out.append(_p(f"债务人：{escape(notice.debtor)}"))
        out.append(_p(f"保证人：{_names(notice.guarantors)}"))
        out.append(_p(f"抵押物：{'；'.join(escape(c) for c in notice.collateral)}"))
        out.append(_p(f"{FULL_SPACE * 2}{as_of}，{_totals_sentence(notice)}。"))
    elif kind == "real_estate":
        out.append(_p(f"{FULL_SPACE * 2}{branch}拟对以下抵债资产进行公开处置，特发布此公告。"))
        out.append(_p("一、资产情况", bold=True))
        out.append(_p(f"{FULL_SPACE * 2}{escape(notice.collateral[0])}。该资产评估价值为"
                      f"{money_text(notice.appraisal, 'wan')}。"))
    elif kind == "equity":
        out.append(_p(f"{FULL_SPACE * 2}{branch}拟转让所持有的股权资产，特发布此公告。"))
        out.append(_p("一、资产情况", bold=True))
        out.append(_p(f"{FULL_SPACE * 2}{escape(notice.title.split('所持')[-1].replace('的转让公告', ''))}，"
                      "转让价格以评估结果为参考，通过公开竞价确定。"))
    else:  # marketing
        out.append(_p(f"{FULL_SPACE * 2}{branch}现对{notice.province}地区不良债权资产包进行招商推介，欢迎社会各界投资者垂询。"))
        out.append(_p("一、资产包情况", bold=True))
        out.append(_p(f"{FULL_SPACE * 2}资产包共{notice.households}户，{as_of}，{_totals_sentence(notice)}。"))
    out.append(_p("二、交易对象", bold=True))
    out.append(_p(f"{FULL_SPACE * 2}交易对象为具有完全民事行为能力、支付能力的法人、其他组织或自然人（国家公务员、"
                  "金融监管机构工作人员、政法干警、资产管理公司工作人员、国有企业债务人管理层以及参与资产处置工作的律师、"
                  "会计师、评估师等中介机构人员等关联人不得购买或变相购买）。"))
    out.append(_p("三、公告期限", bold=True))
    out.append(_p(f"{FULL_SPACE * 2}{period_text(notice)}"))
    out.append(_p("四、联系方式", bold=True))
    out.append(_p(f"联系人：{notice.contact}{NBSP}{NBSP}{NBSP}联系电话：{notice.phone}"))
    if notice.attachments:
        links = "&nbsp;&nbsp;".join(f'<a href="{base}{a.path}" target="_blank">{escape(a.name)}</a>'
                                    for a in notice.attachments)
        out.append(_p(f"附件：{links}"))
    out.append(_p(branch, style="text-align:right"))
    out.append(_p(cn_date(notice.published), style="text-align:right"))
    return "\n".join(out)


def summary_amount(notice: Notice) -> Decimal | None:
    """Cinda's 资产总额 (万元, two decimals): the package total, else the 合计 of a table all in CNY, else the
    appraisal; None (no 资产总额 line) otherwise."""
    total = notice.package_total
    if total is None and all(loan.currency == "CNY" for loan in notice.loans):  # no yuan total of a mixed package
        cny = stated_totals(notice).get("CNY")
        total = cny["total"] if cny else None
    if total is None:
        total = notice.appraisal
    return None if total is None else q(total / WAN)
