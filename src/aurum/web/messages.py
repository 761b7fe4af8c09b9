"""What the pages say, in English and Spanish. Keys name the place; `{name}` is filled in."""

from __future__ import annotations

from collections.abc import Callable

# key: (English, Spanish)
MESSAGES: dict[str, tuple[str, str]] = {
    "site.name": ("Aurum", "Aurum"),
    "site.skip": ("Skip to the form", "Ir al formulario"),
    "account.title": ("Your account", "Tu cuenta"),
    "account.signed_in_as": ("You are signed in as {name}.", "Iniciaste sesión como {name}."),
    "account.username": ("Username", "Usuario"),
    "account.email": ("Email", "Correo electrónico"),
    "second_step.title": ("Two-step verification", "Verificación en dos pasos"),
    "second_step.code": ("Code", "Código"),
    "second_step.hint": (
        "From your authenticator app, or one of your recovery codes.",
        "De tu aplicación de autenticación, o uno de tus códigos de recuperación.",
    ),
    "second_step.button": ("Verify", "Verificar"),
    "sign_in.title": ("Sign in", "Iniciar sesión"),
    "sign_in.login": ("Username or email", "Usuario o correo electrónico"),
    "sign_in.password": ("Password", "Contraseña"),
    "sign_in.button": ("Sign in", "Iniciar sesión"),
    "sign_in.forgot": ("Forgot your password?", "¿Olvidaste tu contraseña?"),
    "sign_in.sign_up": ("Create an account", "Crear una cuenta"),
    "sign_out.title": ("Sign out", "Cerrar sesión"),
    "sign_out.question": (
        "You are signed in as {name}. Sign out of Aurum on this browser?",
        "Iniciaste sesión como {name}. ¿Cerrar la sesión de Aurum en este navegador?",
    ),
    "sign_out.button": ("Sign out", "Cerrar sesión"),
    "sign_out.done": ("You are signed out.", "Cerraste la sesión."),
    "sign_out.again": ("Sign in again", "Volver a iniciar sesión"),
    "consent.title": ("{app} wants to sign you in", "{app} quiere iniciar tu sesión"),
    "consent.intro": (
        "Signed in as {name}. If you allow it, {app} will be able to:",
        "Iniciaste sesión como {name}. Si lo permites, {app} podrá:",
    ),
    "consent.remembered": (
        "Aurum remembers your answer; you can take it back at any time.",
        "Aurum recuerda tu respuesta; puedes retirarla cuando quieras.",
    ),
    "consent.allow": ("Allow", "Permitir"),
    "consent.deny": ("Deny", "Denegar"),
    "error.title": ("Something went wrong", "Algo salió mal"),
    "error.code": ("Error code", "Código de error"),
    "link.incomplete": (
        "This link is incomplete. Open it again from the email, or copy the whole address.",
        "Este enlace está incompleto. Ábrelo de nuevo desde el correo o copia la dirección "
        "completa.",
    ),
    "verify.title": ("Confirm your email address", "Confirma tu correo electrónico"),
    "verify.intro": (
        "Press the button to confirm that this address is yours.",
        "Pulsa el botón para confirmar que esta dirección es tuya.",
    ),
    "verify.button": ("Confirm my address", "Confirmar mi dirección"),
    "verify.done": (
        "Your email address is confirmed. You can close this page.",
        "Tu correo electrónico está confirmado. Ya puedes cerrar esta página.",
    ),
}


def translator(language: str) -> Callable[..., str]:
    index = 1 if language == "es" else 0

    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][index]
        return text.format(**values) if values else text

    return t
