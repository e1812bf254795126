"""The base of every alliance API view: tenant from the URL, 404 for outsiders, roles for writes."""

from rest_framework import exceptions, permissions, viewsets

from alliances import access


class AllianceAccess(permissions.BasePermission):
    """Read: any role in the alliance, or a bureau officer. Write: one of the view's `write_roles`.

    A user with no business in the alliance gets 404, as if it did not exist.
    """

    def has_permission(self, request, view):
        alliance = request.alliance
        user = request.user
        if not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not access.can_view_alliance(user, alliance):
            raise exceptions.NotFound()
        if request.method in permissions.SAFE_METHODS:
            return access.may_read(user, alliance, getattr(view, "read_roles", None),
                                   bureau_reads=getattr(view, "bureau_reads", True))
        roles = access.roles_of(user, alliance)
        write_roles = view.get_write_roles() if hasattr(view, "get_write_roles") else getattr(view, "write_roles", access.SECRETARIAT)
        return bool(roles & set(write_roles))


class AllianceViewMixin:
    permission_classes = [AllianceAccess]
    read_roles = None  # None: every role of the alliance (and the bureau) may read
    write_roles = access.SECRETARIAT

    @property
    def alliance(self):
        return self.request.alliance

    def roles(self) -> frozenset[str]:
        return access.roles_of(self.request.user, self.alliance)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["alliance"] = self.request.alliance
        return context

    def paginated(self, rows, serializer_class):
        """A list served by an action answers like every list: one page with count and links."""
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer_class(page, many=True, context=self.get_serializer_context()).data)


class AllianceViewSet(AllianceViewMixin, viewsets.GenericViewSet):
    """Subclass and add mixins/actions; writes call services, never `serializer.save()`."""
