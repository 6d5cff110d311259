"""A page's Markdown with its claim blocks and citations replaced, in one pass.

Every range was found on the same string by ``scan``, so replacing them from the last to
the first leaves the others where they were: nothing is looked for again after a change.
"""

from __future__ import annotations

from collections.abc import Callable

from graphbuild.common.diagnostics import Diagnostic, error
from graphbuild.model.citations import Citation
from graphbuild.model.claims import Claim
from graphbuild.model.config import Config
from graphbuild.model.knowledge import BrokenClaim, KnowledgeBase, SourcePage, read_body
from graphbuild.model.scan import Fence, Source
from graphbuild.site.context import Site

Replacement = tuple[int, int, str]


def substitute(text: str, replacements: list[Replacement]) -> str:
    """``text`` with each ``(start, end, new)`` range replaced; ranges must not overlap."""
    pieces: list[str] = []
    done = len(text)
    for start, end, new in sorted(replacements, reverse=True):
        if end > done:
            raise ValueError(f"overlapping replacements at {start}..{end}")
        pieces += [text[end:done], new]
        done = start
    pieces.append(text[:done])
    return "".join(reversed(pieces))


def card_block(block: Fence, html: str) -> str:
    """What takes a claim block's lines: the card, its lines carrying the block's own prefix
    (a list item's indent, a blockquote's ``>``), with a blank line either side so that it is
    a block of its own."""
    blank = block.indent.rstrip()
    return "\n".join([blank, *(block.indent + line for line in html.split("\n")), blank])


def page_replacements(
    page: SourcePage,
    kb: KnowledgeBase,
    citation: Callable[[Citation], str],
    card: Callable[[Claim], str],
    broken: Callable[[BrokenClaim], str] | None = None,
    tail: str = "",
) -> list[Replacement]:
    """What a page's Markdown has replaced, as ranges of its body: every citation and every
    claim of the knowledge base (a claim whose id was taken first, elsewhere, stays as its
    editor wrote it); ``broken``, if given, is what a claim block that could not be read
    shows instead of its YAML; ``tail`` (a numeric style's reference list) is added as a
    block of its own at the end. The gate finds the line of something it removed by
    rendering the body up to a line with these applied."""
    replacements = [(c.start, c.end, citation(c)) for c in page.citations]
    for claim, block in zip(page.claims, page.blocks, strict=True):
        if kb.claims.get(claim.id) is claim:
            replacements.append((block.start, block.end, card_block(block, card(claim))))
    if broken is not None:
        replacements += [(b.block.start, b.block.end, card_block(b.block, broken(b))) for b in page.broken]
    if tail:
        end = len(page.body)
        replacements.append((end, end, f"\n\n{tail}\n"))
    return replacements


def page_markdown(
    page: SourcePage,
    prose: Site,
    cards: Site,
    hold: Callable[[str, str], str],
    *,
    broken: bool = False,
    hold_list: bool = True,
) -> str:
    """``page_edits``' replacements made: the page's Markdown as the engine renders it."""
    return substitute(page.body, page_edits(page, prose, cards, hold, broken=broken, hold_list=hold_list))


def page_edits(
    page: SourcePage,
    prose: Site,
    cards: Site | None,
    hold: Callable[[str, str], str],
    *,
    broken: bool = False,
    hold_list: bool = True,
) -> list[Replacement]:
    """A page's Markdown as every publishing path writes it: each citation in ``prose``'s
    words (a site whose values Markdown reads as text, on the Markdown tree), each card made
    by ``cards`` and held out of the Markdown by ``hold(html, claim id)``, which returns what
    stands in its place; ``broken``: a claim block that could not be read shows its problems
    (``mkdocs serve``); a numeric style's reference list at the end, held as a card is
    (``hold_list``) or left in the Markdown. ``cards`` None: the cards are held out without
    being made, for the gate, which reads only the prose around them."""
    src = page.src_path
    numbering = prose.studies.numbering(page)
    references = prose.studies.reference_list(numbering, src)
    made = (lambda claim: "") if cards is None else (lambda claim: cards.claims.card(claim, src))
    shown = None
    if broken and cards is not None:
        shown = lambda b: hold(cards.claims.broken([str(d) for d in b.diagnostics]), "")  # noqa: E731
    return page_replacements(
        page,
        prose.kb,
        lambda cited: prose.studies.citation(cited, src, numbering),
        lambda claim: hold(made(claim), claim.id),
        shown,
        tail=hold(references, "") if references and hold_list else references,
    )


def reconcile(page: SourcePage, markdown: str, config: Config) -> tuple[SourcePage, list[Diagnostic]]:
    """The page as collected, placed on the Markdown MkDocs hands over. They are the same
    string unless another plugin changed it: then it is read again, its claims matched to
    the collected ones by id, and a claim that can no longer be found is an error."""
    if markdown == page.body:
        return page, []
    fresh, _ = read_body(page.src_path, page.path, Source(markdown, page.prefix, {}, page.first_line), config)
    found = {claim.id: block for claim, block in zip(fresh.claims, fresh.blocks, strict=True)}
    missing = [claim for claim in page.claims if claim.id not in found]
    diagnostics = [
        error(
            page.path,
            claim.line,
            f"claim '{claim.id}' is no longer in the Markdown handed to graphbuild (did another plugin change the "
            "page?); its card is left out",
        )
        for claim in missing
    ]
    kept = [claim for claim in page.claims if claim.id in found]
    placed = SourcePage(
        page.src_path,
        page.path,
        page.title,
        markdown,
        page.prefix,
        kept,
        [found[claim.id] for claim in kept],
        fresh.citations,
        fresh.broken,
        page.meta,
    )
    return placed, diagnostics
