"""Who is asking, and which deals they may see and change.

- local mode (``unstuck serve`` on 127.0.0.1 without ``--auth``): one person, no
  accounts, everything allowed;
- team mode: a rep sees and edits the deals they own (``deals.owner`` equals their
  e-mail, compared without case), a manager every deal, an admin every deal and the
  users.

A deal a viewer may not see answers exactly as a deal that does not exist (404), so
ids of other people's deals do not leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from unstuck.errors import NotFound
from unstuck.store.users import User, UserRole
from unstuck.web.errors import forbidden


@dataclass(frozen=True)
class Viewer:
    user: User | None  # None: local single-user mode
    csrf: str
    via_token: bool = False

    @property
    def local(self) -> bool:
        return self.user is None

    @property
    def role(self) -> UserRole:
        return self.user.role if self.user else UserRole.ADMIN

    @property
    def label(self) -> str:
        if self.user is None:
            return "local"
        return self.user.name or self.user.email

    @property
    def email(self) -> str | None:
        return self.user.email if self.user else None

    @property
    def scope(self) -> str | None:
        """The only owner whose deals this viewer sees, or None for every deal."""
        if self.user is None or self.user.sees_everything:
            return None
        return self.user.email

    def owner_filter(self, asked: str | None) -> str | None:
        """The owner filter to apply: a rep's own e-mail whatever they ask for."""
        scope = self.scope
        if scope is None:
            return asked or None
        if asked and asked.strip().lower() != scope.lower():
            # A rep filtering on someone else sees nothing, rather than an error that
            # would confirm the other owner exists.
            return "\x00nobody"
        return scope

    def may_see(self, owner: str | None) -> bool:
        scope = self.scope
        return scope is None or (owner or "").strip().lower() == scope.lower()

    def check_deal(self, deal_id: str, exists: bool, owner: str | None) -> None:
        if not exists or not self.may_see(owner):
            raise NotFound(f"no deal with id {deal_id!r}. The board lists your deals.")

    def owner_for_new_deal(self, asked: str | None) -> str | None:
        scope = self.scope
        if scope is None:
            return asked or None
        if asked and asked.strip().lower() != scope.lower():
            raise forbidden(f"as a rep you create deals for yourself ({scope}), not for {asked}")
        return scope

    def require_admin(self) -> None:
        if self.role is not UserRole.ADMIN:
            raise forbidden("only an admin can manage users")


__all__ = ["Viewer"]
