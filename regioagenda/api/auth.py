from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from regioagenda.accounts.tokens import authenticate_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` with a key an administrator issued (see accounts.tokens)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()
