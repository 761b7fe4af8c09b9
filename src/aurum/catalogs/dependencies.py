from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from aurum.catalogs.repository import CatalogRepository
from aurum.catalogs.service import CatalogService
from aurum.db.session import SessionDep


async def get_catalog_service(db: SessionDep) -> CatalogService:
    return CatalogService(CatalogRepository(db))


CatalogServiceDep = Annotated[CatalogService, Depends(get_catalog_service)]
