from __future__ import annotations

from aurum.errors import AppError, Conflict, NotFound


class CatalogEntryNotFound(NotFound):
    code = "catalog_entry_not_found"
    message = "No catalog entry with that id or code."
    message_es = "No existe una entrada del catálogo con ese id o código."


class CatalogCodeTaken(Conflict):
    code = "catalog_code_taken"
    message = "Another catalog entry already has that code."
    message_es = "Otra entrada del catálogo ya tiene ese código."


class CatalogEntryInUse(Conflict):
    code = "catalog_entry_in_use"
    message = "The catalog entry is still referenced and cannot be deleted."
    message_es = "La entrada del catálogo aún está en uso y no se puede eliminar."


class UnknownLocation(AppError):
    status_code = 422
    code = "unknown_location"
    message = "The region, province or city does not exist."
    message_es = "La región, provincia o ciudad no existe."


class UnknownRegion(UnknownLocation):
    code = "unknown_region"
    message = "No region with that id."
    message_es = "No existe una región con ese id."


class UnknownProvince(UnknownLocation):
    code = "unknown_province"
    message = "No province with that id."
    message_es = "No existe una provincia con ese id."


class UnknownCity(UnknownLocation):
    code = "unknown_city"
    message = "No city with that id."
    message_es = "No existe una ciudad con ese id."


class LocationMismatch(AppError):
    status_code = 422
    code = "location_mismatch"
    message = "The city, province and region do not belong together."
    message_es = "La ciudad, la provincia y la región no corresponden entre sí."


class CityCodeMismatch(AppError):
    status_code = 422
    code = "city_code_mismatch"
    message = "A city's code starts with its province's code."
    message_es = "El código de una ciudad empieza con el código de su provincia."
