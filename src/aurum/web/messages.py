"""What the pages say, in English and Spanish. Keys name the place; `{name}` is filled in."""

from __future__ import annotations

from collections.abc import Callable

# key: (English, Spanish). Shared keys first, then one group per page, pages in order.
MESSAGES: dict[str, tuple[str, str]] = {
    # Every page
    "site.name": ("Aurum", "Aurum"),
    "site.skip": ("Skip to the content", "Ir al contenido"),
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
    "error.request_id": ("Request id", "Id de la solicitud"),
    "link.incomplete": (
        "This link is incomplete. Open it again from the email, or copy the whole address.",
        "Este enlace está incompleto. Ábrelo de nuevo desde el correo o copia la dirección "
        "completa.",
    ),
    "link.sign_in": ("Sign in", "Iniciar sesión"),
    # Forms
    "field.email": ("Email address", "Correo electrónico"),
    "field.password": ("Password", "Contraseña"),
    "field.username": ("Username", "Nombre de usuario"),
    "form.email_invalid": (
        "Enter a valid email address, such as name@example.com.",
        "Escribe un correo electrónico válido, como nombre@ejemplo.com.",
    ),
    "form.full_name_invalid": (
        "The full name can have up to 200 characters.",
        "El nombre completo puede tener hasta 200 caracteres.",
    ),
    "form.invalid": (
        "Check the form: a field is missing or not valid.",
        "Revisa el formulario: falta un campo o no es válido.",
    ),
    "form.password_missing": ("Enter a password.", "Escribe una contraseña."),
    "form.username_invalid": (
        "Choose another username: 3 to 32 letters, digits, dots, hyphens or underscores, "
        "starting and ending with a letter or digit.",
        "Elige otro nombre de usuario: de 3 a 32 letras, números, puntos, guiones o guiones "
        "bajos, que empiece y termine con una letra o un número.",
    ),
    "password.hint": (
        "At least {min} characters. A few words you will remember work well.",
        "Al menos {min} caracteres. Unas cuantas palabras que recuerdes funcionan bien.",
    ),
    # /forgot-password
    "forgot.title": ("Forgot your password?", "¿Olvidaste tu contraseña?"),
    "forgot.intro": (
        "Enter the email address of your account and we will send you a link to choose a "
        "new password.",
        "Escribe el correo electrónico de tu cuenta y te enviaremos un enlace para elegir una "
        "contraseña nueva.",
    ),
    "forgot.button": ("Send me a link", "Enviarme un enlace"),
    "forgot.sent": (
        "If an account uses that address, an email is on its way.",
        "Si alguna cuenta usa esa dirección, le estamos enviando un correo.",
    ),
    "forgot.sent_more": (
        "Its link works once, for a short time. If nothing arrives in a few minutes, look in "
        "your spam folder or try again.",
        "Su enlace sirve una sola vez y por poco tiempo. Si no llega nada en unos minutos, "
        "revisa tu carpeta de spam o inténtalo de nuevo.",
    ),
    # /accept-invitation
    "invitation.title": ("Join a company on Aurum", "Únete a una empresa en Aurum"),
    "invitation.intro": (
        "This link carries an invitation to join a company on Aurum.",
        "Este enlace trae una invitación para unirte a una empresa en Aurum.",
    ),
    "invitation.how": (
        "To accept it, sign in with the account whose confirmed email address received the "
        "invitation; you will come back here.",
        "Para aceptarla, inicia sesión con la cuenta cuyo correo confirmado recibió la "
        "invitación; volverás aquí.",
    ),
    "invitation.sign_in": ("Sign in to accept", "Iniciar sesión para aceptar"),
    "invitation.no_account": (
        "No account yet? Create one with that address, confirm it with the email we send, "
        "then open the invitation link again.",
        "¿Aún no tienes cuenta? Crea una con esa dirección, confírmala con el correo que te "
        "enviaremos y abre de nuevo el enlace de la invitación.",
    ),
    "invitation.sign_up": ("Create an account", "Crear una cuenta"),
    "invitation.offer": (
        "You are invited to join {company} as {role}.",
        "Te invitan a unirte a {company} como {role}.",
    ),
    "invitation.as": ("You are signed in as {name}.", "Iniciaste sesión como {name}."),
    "invitation.accept": ("Accept the invitation", "Aceptar la invitación"),
    "invitation.joined": (
        "You joined {company} as {role}.",
        "Te uniste a {company} como {role}.",
    ),
    "invitation.to_account": ("Go to your account", "Ir a tu cuenta"),
    "role.owner": ("owner", "propietario"),
    "role.admin": ("administrator", "administrador"),
    "role.editor": ("editor", "editor"),
    "role.viewer": ("viewer", "lector"),
    # /reset-password
    "reset.title": ("Choose a new password", "Elige una contraseña nueva"),
    "reset.intro": (
        "Your new password replaces the old one and signs you out everywhere.",
        "Tu contraseña nueva reemplaza a la anterior y cierra tu sesión en todas partes.",
    ),
    "reset.new_password": ("New password", "Contraseña nueva"),
    "reset.confirm_password": ("New password, again", "Repite la contraseña nueva"),
    "reset.mismatch": (
        "The two passwords are not the same. Type the new password again in the second field.",
        "Las dos contraseñas no son iguales. Vuelve a escribir la contraseña nueva en el "
        "segundo campo.",
    ),
    "reset.button": ("Change my password", "Cambiar mi contraseña"),
    "reset.done": (
        "Your password has changed, and every session of your account has ended. Sign in "
        "with the new password.",
        "Tu contraseña cambió y se cerraron todas las sesiones de tu cuenta. Inicia sesión "
        "con la contraseña nueva.",
    ),
    "reset.ask_again": ("Ask for a new link", "Pedir un enlace nuevo"),
    # /sign-up
    "sign_up.title": ("Create your account", "Crea tu cuenta"),
    "sign_up.username_hint": (
        "3 to 32 letters, digits, dots, hyphens or underscores. Others can see it.",
        "De 3 a 32 letras, números, puntos, guiones o guiones bajos. Otros pueden verlo.",
    ),
    "sign_up.full_name": ("Full name", "Nombre completo"),
    "sign_up.full_name_hint": ("Optional.", "Opcional."),
    "sign_up.button": ("Create my account", "Crear mi cuenta"),
    "sign_up.have_account": ("Already have an account?", "¿Ya tienes una cuenta?"),
    "sign_up.done": (
        "Check your inbox to confirm your email address.",
        "Revisa tu bandeja de entrada para confirmar tu correo electrónico.",
    ),
    "sign_up.done_more": (
        "We sent an email to the address you gave. If nothing arrives in a few minutes, look "
        "in your spam folder.",
        "Enviamos un correo a la dirección que indicaste. Si no llega nada en unos minutos, "
        "revisa tu carpeta de spam.",
    ),
    # /verify-email
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
