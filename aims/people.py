"""The one rule for naming a person on screen: the full name, falling back to the username.

Pages use the ``|person`` filter, forms' pickers use ``choice_label`` (the name plus the
username, so two people with the same name can be told apart) — both call ``display_name``.
"""

from django import forms


def display_name(user) -> str:
    """A user's full name, or the username when no name is on record; "" for no user."""
    if user is None or user == "":
        return ""
    if isinstance(user, str):
        return user
    full_name = (user.get_full_name() or "").strip()
    return full_name or user.get_username()


def choice_label(user) -> str:
    """How a person reads in a picker: "Full Name (username)", or the username alone."""
    name = display_name(user)
    username = user.get_username()
    return f"{name} ({username})" if name != username else username


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return choice_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return choice_label(obj)
