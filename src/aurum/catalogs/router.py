"""Ecuador's regions, provinces and cities (cantons): public reads, admin writes."""

# No `from __future__ import annotations` here: the routes are built by a function, and
# FastAPI must see the schema classes themselves in their signatures.

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel

from aurum.callers.dependencies import AdminUser
from aurum.catalogs.dependencies import CatalogServiceDep
from aurum.catalogs.repository import E
from aurum.catalogs.schemas import (
    CityCreate,
    CityRead,
    CityUpdate,
    ProvinceCreate,
    ProvinceRead,
    ProvinceUpdate,
    RegionCreate,
    RegionRead,
    RegionUpdate,
)
from aurum.models.catalog import City, Province, Region
from aurum.pagination import MAX_CURSOR_LENGTH, Page

MAX_ID = 2_147_483_647

router = APIRouter(tags=["catalogs"])

Search = Annotated[
    str | None,
    Query(min_length=1, max_length=100, description="Part of the name; accents and case ignored."),
]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)]
EntryId = Annotated[int, Path(ge=1, le=MAX_ID)]
Code = Annotated[str, Path(min_length=1, max_length=16, description="The INEC code.")]


def add_catalog_routes(
    path: str,
    model: type[E],
    read: type[BaseModel],
    create: type[BaseModel],
    update: type[BaseModel],
    parent: str | None = None,
) -> None:
    """The six routes of one catalog: list, by id, by code, create, update, delete."""
    name = model.__tablename__
    ParentId = Annotated[  # noqa: N806 - a type alias, built per catalog
        int | None,
        Query(
            alias=parent or "parent",
            ge=1,
            le=MAX_ID,
            include_in_schema=parent is not None,
            description=f"Only the entries of this {parent} (its id).",
        ),
    ]

    @router.get(path, response_model=Page[read], name=f"list_{name}")  # type: ignore[valid-type]
    async def list_entries(
        catalogs: CatalogServiceDep,
        q: Search = None,
        limit: Limit = 50,
        cursor: Cursor = None,
        parent_id: ParentId = None,
    ) -> Page[BaseModel]:
        """List in alphabetical order; follow `next_cursor` (`?cursor=`) for more."""
        page, next_cursor = await catalogs.list_page(
            model, limit=limit, cursor=cursor, q=q, parent_id=parent_id
        )
        return Page(items=[read.model_validate(e) for e in page], next_cursor=next_cursor)

    @router.get(f"{path}/by-code/{{code}}", response_model=read, name=f"get_{name}_by_code")
    async def get_by_code(code: Code, catalogs: CatalogServiceDep) -> BaseModel:
        """One entry by its INEC code."""
        return read.model_validate(await catalogs.get_by_code(model, code))

    @router.get(f"{path}/{{entry_id}}", response_model=read, name=f"get_{name}")
    async def get_entry(entry_id: EntryId, catalogs: CatalogServiceDep) -> BaseModel:
        """One entry by id."""
        return read.model_validate(await catalogs.get(model, entry_id))

    @router.post(
        path, response_model=read, status_code=status.HTTP_201_CREATED, name=f"create_{name}"
    )
    async def create_entry(
        data: create,  # type: ignore[valid-type]
        _: AdminUser,
        catalogs: CatalogServiceDep,
    ) -> BaseModel:
        """Add an entry (admins)."""
        return read.model_validate(await catalogs.create(model, data))

    @router.patch(f"{path}/{{entry_id}}", response_model=read, name=f"update_{name}")
    async def update_entry(
        entry_id: EntryId,
        data: update,  # type: ignore[valid-type]
        _: AdminUser,
        catalogs: CatalogServiceDep,
    ) -> BaseModel:
        """Change an entry (admins); users' locations follow a moved city or province."""
        return read.model_validate(await catalogs.update(model, entry_id, data))

    @router.delete(
        f"{path}/{{entry_id}}", status_code=status.HTTP_204_NO_CONTENT, name=f"delete_{name}"
    )
    async def delete_entry(
        entry_id: EntryId, _: AdminUser, catalogs: CatalogServiceDep
    ) -> Response:
        """Delete an entry nothing points at (admins); 409 while it is in use."""
        await catalogs.delete(model, entry_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)


add_catalog_routes("/regions", Region, RegionRead, RegionCreate, RegionUpdate)
add_catalog_routes(
    "/provinces", Province, ProvinceRead, ProvinceCreate, ProvinceUpdate, parent="region"
)
add_catalog_routes("/cities", City, CityRead, CityCreate, CityUpdate, parent="province")
