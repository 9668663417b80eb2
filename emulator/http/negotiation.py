"""Choose the response media type from the Accept header (JSON by default)."""

from __future__ import annotations

from dataclasses import dataclass

JSON = "application/json"
XML = "application/xml"


@dataclass(frozen=True)
class MediaChoice:
    format: str  # "json" or "xml"
    content_type: str


JSON_CHOICE = MediaChoice("json", JSON)
XML_CHOICE = MediaChoice("xml", XML)
TEXT_XML_CHOICE = MediaChoice("xml", "text/xml")

# Offered types in server preference order; wildcards resolve to the first offer they cover.
_OFFERS: dict[str, MediaChoice] = {JSON: JSON_CHOICE, XML: XML_CHOICE, "text/xml": TEXT_XML_CHOICE}


class NotAcceptableMedia(Exception):
    """The Accept header admits none of the media types the emulator can write."""


def _parse_accept(header: str) -> list[tuple[str, float, int]]:
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(header.split(",")):
        pieces = [piece.strip() for piece in part.split(";")]
        media_range = pieces[0].lower()
        if not media_range:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
                if not 0.0 <= quality <= 1.0:
                    quality = 0.0
        ranges.append((media_range, quality, position))
    return ranges


def _covers(media_range: str, offer: str) -> bool:
    if media_range == "*/*":
        return True
    main, _, sub = media_range.partition("/")
    offer_main, _, offer_sub = offer.partition("/")
    return main == offer_main and sub in {"*", offer_sub}


def _specificity(media_range: str) -> int:
    return 0 if media_range == "*/*" else 1 if media_range.endswith("/*") else 2


def choose_media(accept: str | None) -> MediaChoice:
    """JSON when Accept is absent or empty; else the best-quality offer (ties: server order)."""
    if accept is None or not accept.strip():
        return JSON_CHOICE
    ranges = _parse_accept(accept)
    if not ranges:
        return JSON_CHOICE
    best: tuple[float, int] | None = None
    chosen: MediaChoice | None = None
    for order, (offer, choice) in enumerate(_OFFERS.items()):
        matching = [r for r in ranges if _covers(r[0], offer)]
        if not matching:
            continue
        # The most specific matching range decides the quality of this offer (RFC 9110 §12.5.1).
        _range, quality, _ = max(matching, key=lambda r: (_specificity(r[0]), -r[2]))
        if quality <= 0.0:
            continue
        key = (quality, -order)
        if best is None or key > best:
            best, chosen = key, choice
    if chosen is None:
        raise NotAcceptableMedia(accept)
    return chosen
