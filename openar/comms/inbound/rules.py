"""What an email from a customer is about, by rules (English and Spanish; Portuguese tolerated):
a promise to pay (with its date and amount when written), a dispute, a remittance advice, a
request for an invoice copy, an automatic reply, a bounce. Pure: no database, no clock (the
day the message came is passed in).

Only the text the customer wrote is read (the quoted reminder below it says "past due" and
"pay" too); the subject counts as well. A message that fits no rule is ``other``: a person
reads it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openar.core.money import parse_decimal

PROMISE = "promise"
DISPUTE = "dispute"
REMITTANCE = "remittance"
INVOICE_COPY = "invoice_copy"
AUTO_REPLY = "auto_reply"
BOUNCE = "bounce"
OTHER = "other"


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_DISPUTE = _any(
    r"\bdisput(e|ed|ing)\b",
    r"\bwe (do not|don't|cannot|can't) agree\b",
    r"\b(invoice|price|amount|charge)s? (is|are|was|were) (wrong|incorrect)\b",
    r"\b(wrong|incorrect) (invoice|price|amount|quantity|charge)",
    r"\bovercharg",
    r"\bnever (received|ordered|got) the (goods|items|order|shipment|merchandise|product)",
    r"\b(goods|items|shipment|merchandise|products?) (arrived|were|was) (damaged|broken|missing)",
    r"\bdamaged\b",
    r"\bshort[- ]shipped\b",
    r"\bwe (returned|sent back) the\b",
    r"\b(disputa|reclamo|reclamaci[oó]n|impugnamos|impugnaci[oó]n)\b",
    r"\bno estamos de acuerdo\b",
    r"\bfactura (es )?(incorrecta|err[oó]nea|equivocada)\b",
    r"\berror en (la|el) (factura|precio|importe|monto)\b",
    r"\b(mercanc[ií]a|producto|pedido) (lleg[oó] )?(da[nñ]ad[oa]|defectuos[oa]|incomplet[oa])",
    r"\bno (recibimos|hemos recibido) (la mercanc[ií]a|el pedido|los productos|el producto)",
    r"\bcontesta(mos|[cç][aã]o)\b",
    r"\bn[aã]o concordamos\b",
    r"\bfatura (est[aá] )?(incorreta|errada)\b",
    r"\b(mercadoria|produto) (chegou )?(avariad|danificad|com defeito)",
)
_REMITTANCE = _any(
    r"\bremittance( advice)?\b",
    r"\bpayment (advice|confirmation|details)\b",
    r"\bproof of payment\b",
    r"\bwe (have )?(paid|sent|transferred|wired|remitted)\b",
    r"\b(payment|transfer|wire) (has been|was) (made|sent|processed|released|executed)\b",
    r"\bhas been paid\b",
    r"\baviso de (pago|transferencia)\b",
    r"\bcomprobante de (pago|transferencia)\b",
    r"\b(ya )?(hemos|habemos) (pagado|transferido|depositado|realizado el pago)\b",
    r"\b(realizamos|efectuamos|hicimos) (el|la) (pago|transferencia|dep[oó]sito)\b",
    r"\b(pago|transferencia) (realizad[oa]|efectuad[oa])\b",
    r"\bcomprovante de (pagamento|transfer[eê]ncia)\b",
    r"\b(efetuamos|realizamos|fizemos) o pagamento\b",
    r"\bpagamento (efetuado|realizado)\b",
)
_PROMISE = _any(
    r"\b(we|i)(\s+will|'ll)\s+(be\s+)?(pay|paying|send|transfer|wire|remit|settle|process)\b",
    r"\b(will|shall) be (paid|settled|transferred|wired|released|processed)\b",
    r"\bpayment will be (made|sent|released|processed|transferred)\b",
    r"\b(we|i) (plan|expect|intend|promise|commit) to (pay|settle|transfer)\b",
    r"\b(we|i) (are|am) going to (pay|settle|transfer)\b",
    r"\bscheduled (for )?(the )?payment\b",
    r"\bpayment (is )?scheduled\b",
    r"\bpagaremos\b",
    r"\bvamos a (pagar|transferir|depositar|liquidar)\b",
    r"\bse (pagar[aá]|transferir[aá]|depositar[aá]|liquidar[aá])\b",
    r"\b(realizaremos|haremos|efectuaremos|enviaremos|programaremos) (el|la) "
    r"(pago|transferencia|dep[oó]sito)\b",
    r"\b(transferiremos|depositaremos|liquidaremos|abonaremos)\b",
    r"\bnos comprometemos a pagar\b",
    r"\b(pago|transferencia) (est[aá] )?programad[oa]\b",
    r"\bvamos (pagar|transferir|depositar|quitar)\b",
    r"\bser[aá] pag[oa]\b",
    r"\b(efetuaremos|faremos|realizaremos) o pagamento\b",
    r"\b(depositaremos|transferiremos|quitaremos)\b",
)
_INVOICE_COPY = _any(
    r"\b(a |another )?cop(y|ies) of (the |your |this |our )?(invoices?|bills?)\b",
    r"\b(re-?send|send (us|me)|forward( us| me)?|share)( again)? (the |a |your |this )?"
    r"(invoices?|bills?)\b",
    r"\binvoice copy\b",
    r"\b(we|i) (did not|didn't|have not|haven't|never) (receive|received|get|got) "
    r"(the |your |this )?invoice",
    r"\bcopia (de )?(la |las |esta |su )?factura",
    r"\b(reenviar|reenv[ií]en|enviar(nos)?|env[ií]en(nos)?|mandar(nos)?|m[aá]ndenos) "
    r"(de nuevo |nuevamente )?(la |las |una |su )?factura",
    r"\bno (recibimos|hemos recibido) (la |las |su )?factura",
    r"\bsegunda v[ií]a\b",
    r"\bc[oó]pia (da |das )?fatura",
    r"\b(reenviar|enviar|mandar)(-nos)? (a |as )?fatura",
    r"\bn[aã]o recebemos (a |as )?fatura",
)

_LANG_WORDS = {
    "es": {"el", "la", "los", "las", "de", "que", "factura", "pago", "gracias", "saludos", "por",
           "favor", "con", "una", "del", "pagaremos", "hola", "estimados", "atentamente"},
    "pt": {"o", "os", "as", "da", "do", "que", "fatura", "pagamento", "obrigado", "obrigada",
           "não", "nao", "com", "uma", "atenciosamente", "prezados", "olá", "favor", "em"},
    "en": {"the", "we", "will", "pay", "invoice", "thanks", "thank", "you", "regards", "please",
           "and", "of", "on", "by", "our", "your", "payment"},
}  # fmt: skip


@dataclass(frozen=True)
class Classification:
    kind: str
    language: str  # en, es or pt: how the customer wrote
    evidence: str = ""  # the words that decided it
    amount: Decimal | None = None
    currency: str = ""
    promised_date: dt.date | None = None


def detect_language(text: str) -> str:
    words = re.findall(r"[a-zà-ÿ]+", (text or "").lower())
    scores = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _LANG_WORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] else "en"


def classify(
    *,
    subject: str,
    text: str,
    received_on: dt.date,
    auto_reply: bool = False,
    bounce: bool = False,
    currencies: tuple[str, ...] = (),
) -> Classification:
    """The kind of a message from its subject and the text its author wrote. ``currencies``
    are the account's (the first is taken for an amount written without one)."""
    body = f"{_strip_reply_prefix(subject)}\n{text}"
    language = detect_language(body)
    if bounce:
        return Classification(BOUNCE, language, "delivery status report")
    if auto_reply:
        return Classification(AUTO_REPLY, language, "automatic reply")
    for kind, pattern in ((DISPUTE, _DISPUTE), (PROMISE, _PROMISE)):
        match = pattern.search(body)
        if match:
            if kind == PROMISE:
                tail = body[match.start() :]
                amount, currency = find_amount(tail, language, currencies)
                if amount is None:
                    amount, currency = find_amount(body, language, currencies)
                when = find_date(tail, language, received_on) or find_date(
                    body, language, received_on
                )
                return Classification(PROMISE, language, match.group(0), amount, currency, when)
            return Classification(kind, language, match.group(0))
    for kind, pattern in ((REMITTANCE, _REMITTANCE), (INVOICE_COPY, _INVOICE_COPY)):
        match = pattern.search(body)
        if match:
            return Classification(kind, language, match.group(0))
    return Classification(OTHER, language)


# Why a customer disputes, from the words they use (the default reason codes of disputes), in
# the order tried: the more specific first ("billed twice" is a duplicate before a price).
_DISPUTE_REASONS = (
    (
        "duplicate",
        _any(
            r"\bduplicat",
            r"\b(billed|invoiced|charged) (us )?twice\b",
            r"\btwice\b",
            r"\bdouble[- ](billed|billing|charged|invoiced)\b",
            r"\bduplicad[oa]s?\b",
            r"\b(facturad[oa]|cobrad[oa]) dos veces\b",
            r"\bdos veces\b",
            r"\bem duplicidade\b",
        ),
    ),
    (
        "not_received",
        _any(
            r"\bnever (received|got|arrived)\b",
            r"\b(not|never) (been )?(received|delivered)\b",
            r"\b(did not|didn't|have not|haven't) (receive|received|get|got) the "
            r"(goods|items|order|shipment|merchandise|products?)\b",
            r"\bno (recibimos|hemos recibido|nos lleg[oó]) "
            r"(la mercanc[ií]a|el pedido|los productos|el producto|el env[ií]o)",
            r"\bnunca (lleg[oó]|recibimos)\b",
            r"\bn[aã]o recebemos (a mercadoria|o pedido|os produtos)",
        ),
    ),
    (
        "damaged",
        _any(
            r"\bdamaged\b",
            r"\bbroken\b",
            r"\bdefective\b",
            r"\bfaulty\b",
            r"\bda[nñ]ad[oa]s?\b",
            r"\bdefectuos[oa]s?\b",
            r"\broto?s?\b",
            r"\brota?s?\b",
            r"\bavariad",
            r"\bdanificad",
            r"\bcom defeito\b",
        ),
    ),
    (
        "quantity",
        _any(
            r"\bshort[- ]?(shipped|shipment|delivery)\b",
            r"\bquantit(y|ies)\b",
            r"\b(missing|fewer) (units|items|pieces|boxes|cases|pallets)\b",
            r"\bcantidad(es)?\b",
            r"\bfalta(n|ron)? \d",
            r"\bunidades faltantes\b",
            r"\bquantidade\b",
        ),
    ),
    (
        "promotion",
        _any(
            r"\bpromo(tion(al)?)?\b",
            r"\bdiscount\b",
            r"\brebate\b",
            r"\bpromoci[oó]n\b",
            r"\bdescuento\b",
            r"\bbonificaci[oó]n\b",
            r"\bpromo[cç][aã]o\b",
            r"\bdesconto\b",
        ),
    ),
    (
        "tax",
        _any(
            r"\btax(es)?\b",
            r"\bvat\b",
            r"\bgst\b",
            r"\biva\b",
            r"\bimpuestos?\b",
            r"\bretenci[oó]n\b",
            r"\bimposto\b",
            r"\bicms\b",
        ),
    ),
    (
        "pricing",
        _any(
            r"\bpric(e|es|ed|ing)\b",
            r"\bovercharg",
            r"\brate\b",
            r"\bprecios?\b",
            r"\btarifa\b",
            r"\bpre[cç]o\b",
            r"\bcobr(o|aron) de m[aá]s\b",
        ),
    ),
)


def dispute_reason(text: str) -> str:
    """The reason code a dispute's words point to (``other`` when none does)."""
    for code, pattern in _DISPUTE_REASONS:
        if pattern.search(text or ""):
            return code
    return "other"


def _strip_reply_prefix(subject: str) -> str:
    return re.sub(r"^\s*((re|fw|fwd|rv|res|enc|aw)\s*:\s*)+", "", subject or "", flags=re.I)


# --- amounts -------------------------------------------------------------------------------

_SYMBOLS = {"US$": "USD", "U$S": "USD", "MX$": "MXN", "R$": "BRL", "€": "EUR", "£": "GBP",
            "CA$": "CAD", "C$": "CAD"}  # fmt: skip
_CODES = ("USD", "EUR", "GBP", "MXN", "BRL", "CAD", "ARS", "CLP", "COP", "PEN", "CHF", "JPY",
          "CNY", "INR", "AUD", "SGD", "PHP", "CRC", "SEK", "PLN")  # fmt: skip
_NUMBER = r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCY = r"US\$|U\$S|MX\$|R\$|CA\$|C\$|\$|€|£|" + "|".join(_CODES)
_AMOUNT = re.compile(
    rf"(?:(?P<pre>{_CURRENCY})\s?(?P<n1>{_NUMBER}))|"
    rf"(?:(?P<n2>{_NUMBER})(?:\s?(?P<post>{_CURRENCY}|d[oó]lares|dollars|pesos|euros|reais)\b)?)",
    re.IGNORECASE,
)
_WORD_CURRENCY = {"dólares": "USD", "dolares": "USD", "dollars": "USD", "euros": "EUR",
                  "reais": "BRL", "pesos": ""}  # fmt: skip


def _currency_of(mark: str, currencies: tuple[str, ...]) -> str:
    mark = (mark or "").strip()
    if not mark:
        return ""
    upper = mark.upper()
    if upper in _CODES:
        return upper
    if upper in _SYMBOLS:
        return _SYMBOLS[upper]
    if mark in _SYMBOLS:
        return _SYMBOLS[mark]
    if mark.lower() in _WORD_CURRENCY:
        named = _WORD_CURRENCY[mark.lower()]
        return named or next((c for c in currencies if c in ("MXN", "ARS", "CLP", "COP")), "")
    if mark == "$":
        # "$" is the dollar or the peso: the account's own currency when it writes "$".
        return next((c for c in currencies if c in ("USD", "MXN", "CAD", "ARS", "CLP", "COP",
                                                    "AUD", "SGD")), "USD")  # fmt: skip
    return ""


def _to_decimal(number: str, language: str) -> Decimal | None:
    raw = number.replace("\u00a0", " ").strip()
    decimal_comma: bool | None = None
    if language in ("es", "pt") and "," not in raw and re.fullmatch(r"\d{1,3}(\.\d{3})+", raw):
        decimal_comma = True  # 12.500 is twelve thousand five hundred in Spanish
    try:
        value = parse_decimal(raw.replace(" ", ""), decimal_comma=decimal_comma)
    except (ValueError, InvalidOperation):
        return None
    return value if value > 0 else None


def find_amount(
    text: str, language: str, currencies: tuple[str, ...] = ()
) -> tuple[Decimal | None, str]:
    """The first amount of money written in ``text`` and its currency (the account's when the
    text names none). A bare number counts only with decimals or thousands separators, so
    dates, days and invoice numbers are not taken for amounts."""
    for match in _AMOUNT.finditer(text or ""):
        number = match.group("n1") or match.group("n2") or ""
        mark = match.group("pre") or match.group("post") or ""
        start, end = match.span()
        before = text[max(start - 1, 0) : start]
        after = text[end : end + 1]
        if before and (before.isalnum() or before in "/-#") and not match.group("pre"):
            continue  # part of a reference (INV-1234, 15/07)
        if after in ("/", "-") or (after and after.isalnum() and not mark):
            continue
        if text[end : end + 2][:1] in (".", ",") and text[end + 1 : end + 2].isdigit():
            continue  # 15.07.2026 is a date
        grouped = bool(re.search(r"[.,]\d{1,2}$|\d[.,\u00a0 ]\d{3}", number))
        if not mark and not grouped:
            continue
        value = _to_decimal(number, language)
        if value is None:
            continue
        currency = _currency_of(mark, currencies) or (currencies[0] if currencies else "")
        return value, currency
    return None, ""


# --- dates ---------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3,
    "viernes": 4, "sábado": 5, "sabado": 5, "domingo": 6, "segunda": 0, "terça": 1, "terca": 1,
    "quarta": 2, "quinta": 3, "sexta": 4,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_NAMES = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_DATE = re.compile(
    r"(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b)|"
    r"(?P<num>\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})(?:[/.](?P<y>\d{2,4}))?\b)|"
    rf"(?P<dm>\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th|º|°)?\s+(?:of\s+|de\s+)?(?P<m1>{_MONTH_NAMES})\b"
    r"\.?(?:,?\s+(?:de\s+|del\s+)?(?P<y1>\d{4}))?)|"
    rf"(?P<md>\b(?P<m2>{_MONTH_NAMES})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b"
    r"(?:,?\s+(?P<y2>\d{4}))?)|"
    r"(?P<tomorrow>\b(tomorrow|mañana|manana|amanhã|amanha)\b)|"
    r"(?P<eom>\b(end of (the |this )?month|fin(al)? de(l)? mes|final do m[eê]s)\b)|"
    rf"(?P<wd>\b(?P<wday>{_DAY_NAMES})\b)",
    re.IGNORECASE,
)


def _year_for(month: int, day: int, received_on: dt.date) -> dt.date | None:
    """A date written without its year: the next such day on or after the message came (a few
    days back still count: "we paid on the 29th" is no promise, but dates are read as
    written)."""
    for year in (received_on.year, received_on.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if candidate >= received_on - dt.timedelta(days=7):
            return candidate
    return None


def _full_year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _make(year: int | None, month: int, day: int, received_on: dt.date) -> dt.date | None:
    if year is None:
        return _year_for(month, day, received_on)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, language: str, received_on: dt.date) -> dt.date | None:
    """The first date written in ``text``: 2026-07-15, 15/07 (day first in Spanish and
    Portuguese; in English month first unless that cannot be), 15 July, July 15th, 15 de julio,
    tomorrow, a weekday (the next one), the end of the month."""
    for match in _DATE.finditer(text or ""):
        g = match.groupdict()
        found: dt.date | None = None
        if g["iso"]:
            found = _make(int(g["iy"]), int(g["im"]), int(g["id"]), received_on)
        elif g["num"]:
            a, b = int(g["a"]), int(g["b"])
            year = _full_year(g["y"])
            day_first = language in ("es", "pt") or a > 12
            if language == "en" and b > 12:
                day_first = False
            day, month = (a, b) if day_first else (b, a)
            if month > 12:
                continue
            found = _make(year, month, day, received_on)
        elif g["dm"]:
            found = _make(_full_year(g["y1"]), _MONTHS[g["m1"].lower()], int(g["d1"]), received_on)
        elif g["md"]:
            found = _make(_full_year(g["y2"]), _MONTHS[g["m2"].lower()], int(g["d2"]), received_on)
        elif g["tomorrow"]:
            found = received_on + dt.timedelta(days=1)
        elif g["eom"]:
            last = calendar.monthrange(received_on.year, received_on.month)[1]
            found = received_on.replace(day=last)
        elif g["wd"]:
            wanted = _WEEKDAYS[g["wday"].lower()]
            ahead = (wanted - received_on.weekday()) % 7 or 7
            found = received_on + dt.timedelta(days=ahead)
        if found is not None:
            return found
    return None
