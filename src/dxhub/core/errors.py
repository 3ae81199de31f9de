from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refused operation with a message for the user (Vietnamese) and, where it
    helps, the problems by field or by spreadsheet row."""

    def __init__(self, message: str, problems: list[str] | dict | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.status = status

    def __str__(self):
        return self.message

    @property
    def problem_list(self) -> list[str]:
        """The problems as a list of messages, whether kept by field or as a list."""
        return list(self.problems.values()) if isinstance(self.problems, dict) else list(self.problems)


class NotInScope(DomainError):
    """The object does not exist or lies outside the user's scope (answered as 404)."""

    def __init__(self, message: str | None = None):
        if message is None:
            message = _("Không tìm thấy hoặc nằm ngoài phạm vi quản lý của bạn.")
        super().__init__(message, status=404)


def show_on_form(form, exc: DomainError) -> None:
    """Put a refused operation's problems on a Django form: by field where the key is
    one of the form's fields, otherwise (or when there is no detail) at the top."""
    if isinstance(exc.problems, dict):
        for key, msg in exc.problems.items():
            form.add_error(key if key in form.fields else None, msg)
    if not form.errors:
        form.add_error(None, exc.message)
