"""Persistence: SQLAlchemy 2 tables, repositories, the unit of work, Alembic migrations.

Composition roots wire it in::

    engine = make_engine(settings.database_url)
    uow = SqlAlchemyUnitOfWork(make_session_factory(engine))
    migrate.upgrade(settings.database_url)      # acupath db upgrade
"""

from acupath.storage.engine import make_engine, make_session_factory
from acupath.storage.unit_of_work import SqlAlchemyUnitOfWork

__all__ = ["SqlAlchemyUnitOfWork", "make_engine", "make_session_factory"]
