"""``acupath knowledge``: check the knowledge base and rewrite its lock."""

from __future__ import annotations

import typer

from acupath.knowledge import check_integrity, check_lock, read_knowledge, write_lock

group = typer.Typer(help="Check the cited, versioned knowledge base.", no_args_is_help=True)


@group.command("check")
def check() -> None:
    """Validate every file, resolve every citation and point, and compare with the lock."""
    kb = read_knowledge()
    problems = check_integrity(kb) + check_lock(kb)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"knowledge base {kb.version}: {len(kb.documents)} files valid, citations and points resolve,"
               " lock matches")


@group.command("lock")
def lock() -> None:
    """Record the current content hashes; refuses while a changed file still has its old version."""
    kb = read_knowledge()
    unbumped = [p for p in check_lock(kb) if "content changed but version" in p]
    for problem in unbumped:
        typer.echo(problem, err=True)
    if unbumped:
        raise typer.Exit(1)
    typer.echo(f"wrote {write_lock(kb)}")


def register(app: typer.Typer) -> None:
    """Add the ``knowledge`` group to ``app``."""
    app.add_typer(group, name="knowledge")
