"""Pages for people: server-rendered, in English and Spanish, usable without JavaScript.

A page handler parses the form, calls the same service method the API calls and renders
a template; no rule lives here. Every page gets the same security headers, and every
form a CSRF token.
"""
