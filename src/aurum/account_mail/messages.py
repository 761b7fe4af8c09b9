"""The texts of account emails, in Spanish and English (the platform's users are in Ecuador)."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import urlencode

from aurum.config import Settings
from aurum.mail.message import bilingual_message, masked


def link(settings: Settings, path: str, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}{path}?{urlencode({'token': token})}"


def verification(settings: Settings, to: str, token: str) -> EmailMessage:
    url = link(settings, "/verify-email", token)
    hours = settings.email_verification_expire_hours
    spanish = (
        f"Confirma tu dirección de correo para Aurum abriendo este enlace:\n\n{url}\n\n"
        f"El enlace sirve una sola vez y caduca en {hours} horas. Si no creaste una cuenta "
        "en Aurum, ignora este mensaje."
    )
    english = (
        f"Confirm your email address for Aurum by opening this link:\n\n{url}\n\n"
        f"The link works once and expires in {hours} hours. If you did not create an Aurum "
        "account, ignore this message."
    )
    return bilingual_message(
        sender=settings.email_from,
        to=to,
        subject="Confirma tu correo / Confirm your email - Aurum",
        spanish=spanish,
        english=english,
    )


def password_reset(settings: Settings, to: str, token: str) -> EmailMessage:
    url = link(settings, "/reset-password", token)
    minutes = settings.password_reset_expire_minutes
    spanish = (
        f"Alguien pidió restablecer la contraseña de tu cuenta de Aurum. Para elegir una "
        f"nueva, abre este enlace:\n\n{url}\n\n"
        f"El enlace sirve una sola vez y caduca en {minutes} minutos. Si no fuiste tú, "
        "ignora este mensaje: tu contraseña no cambia."
    )
    english = (
        "Someone asked to reset the password of your Aurum account. To choose a new one, "
        f"open this link:\n\n{url}\n\n"
        f"The link works once and expires in {minutes} minutes. If it was not you, ignore "
        "this message: your password stays the same."
    )
    return bilingual_message(
        sender=settings.email_from,
        to=to,
        subject="Restablecer contraseña / Reset your password - Aurum",
        spanish=spanish,
        english=english,
    )


def registration_attempt(settings: Settings, to: str) -> EmailMessage:
    spanish = (
        "Alguien intentó crear una cuenta de Aurum con esta dirección, pero ya tienes una. "
        "Si fuiste tú, inicia sesión; si olvidaste tu contraseña, usa «¿Olvidaste tu "
        "contraseña?». Si no fuiste tú, no hace falta que hagas nada."
    )
    english = (
        "Someone tried to create an Aurum account with this address, but you already have "
        "one. If it was you, sign in; if you forgot your password, use 'Forgot password'. "
        "If it was not you, there is nothing to do."
    )
    return bilingual_message(
        sender=settings.email_from,
        to=to,
        subject="Ya tienes una cuenta / You already have an account - Aurum",
        spanish=spanish,
        english=english,
    )


def email_changed(settings: Settings, to: str, new_email: str) -> EmailMessage:
    new = masked(new_email)
    spanish = (
        f"La dirección de correo de tu cuenta de Aurum se cambió a {new}. Si no fuiste tú, "
        "restablece tu contraseña y contacta con soporte."
    )
    english = (
        f"The email address of your Aurum account was changed to {new}. If it was not you, "
        "reset your password and contact support."
    )
    return bilingual_message(
        sender=settings.email_from,
        to=to,
        subject="Tu correo cambió / Your email address changed - Aurum",
        spanish=spanish,
        english=english,
    )


def mfa_reset(settings: Settings, to: str) -> EmailMessage:
    spanish = (
        "Un administrador desactivó la verificación en dos pasos de tu cuenta de Aurum y "
        "cerró todas tus sesiones. Ahora inicias sesión solo con tu contraseña: vuelve a "
        "activarla desde tu perfil. Si no lo pediste, restablece tu contraseña y contacta "
        "con soporte."
    )
    english = (
        "An administrator turned off two-step verification for your Aurum account and ended "
        "all your sessions. You now sign in with your password alone: turn it on again from "
        "your profile. If you did not ask for this, reset your password and contact support."
    )
    return bilingual_message(
        sender=settings.email_from,
        to=to,
        subject=(
            "Verificación en dos pasos desactivada / Two-step verification turned off - Aurum"
        ),
        spanish=spanish,
        english=english,
    )
