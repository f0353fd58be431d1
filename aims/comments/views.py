"""Browser pages of comments: add one to a record, edit one's own, delete (author or officer).
The thread itself is on each record's page (``{% comments_for record %}``). Thin: the
selectors read, the services decide."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from aims.errors import BusinessRuleError
from aims.forms import BootstrapFormMixin
from aims.view_helpers import add_version, editing, take_version
from aims.views import apply_errors, safe_next

from . import selectors, services
from .models import Comment
from .registry import commentable, commentable_for


class CommentForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Write @username to tell someone who can see this record.",
    )


def _record_url(record) -> str:
    entry = commentable_for(type(record))
    return f"{entry.url_of(record)}#comments" if entry else "/"


def _form_page(request, form, record, *, comment=None, status=200):
    return render(
        request,
        "comments/comment_form.html",
        {"form": form, "record": record, "comment": comment, "back": _record_url(record)},
        status=status,
    )


class CommentAddView(LoginRequiredMixin, View):
    def post(self, request, key: str, pk: int):
        if commentable(key) is None:
            raise Http404
        try:
            record = selectors.resolve_target(user=request.user, key=key, identifier=str(pk))
        except (selectors.TargetError, ObjectDoesNotExist) as exc:
            raise Http404 from exc
        if not services.can_comment(request.user, record):
            raise PermissionDenied("You may read this record but not comment on it.")
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_create(
                    actor=request.user, record=record, body=form.cleaned_data["body"]
                )
            except (ValidationError, BusinessRuleError) as exc:
                return _form_page(request, form, record, status=apply_errors(form, exc))
            messages.success(request, "Comment added.")
            return HttpResponseRedirect(safe_next(request, _record_url(record)))
        return _form_page(request, form, record, status=400)


class CommentMixin:
    """The comment in the URL, if the user may see its record (else 404)."""

    def load(self, request, pk: int) -> Comment:
        try:
            return selectors.visible_comments(user=request.user).get(pk=pk)
        except Comment.DoesNotExist as exc:
            raise Http404 from exc


class CommentEditView(LoginRequiredMixin, CommentMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.comment = self.load(request, kwargs["pk"])
        if not services.can_edit_comment(request.user, self.comment):
            raise PermissionDenied("Only its author may edit a comment.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int):
        form = CommentForm(initial={"body": self.comment.body})
        add_version(form, self.comment)
        return _form_page(request, form, self.comment.target, comment=self.comment)

    def post(self, request, pk: int):
        form = CommentForm(request.POST)
        add_version(form, self.comment)
        record = self.comment.target
        if form.is_valid():
            try:
                with editing(self.comment, take_version(form)):
                    services.comment_edit(
                        actor=request.user, comment=self.comment, body=form.cleaned_data["body"]
                    )
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(form, exc)
                return _form_page(request, form, record, comment=self.comment, status=status)
            messages.success(request, "Comment edited; the earlier text stays in its history.")
            return HttpResponseRedirect(_record_url(record))
        return _form_page(request, form, record, comment=self.comment, status=400)


class CommentDeleteView(LoginRequiredMixin, CommentMixin, View):
    def post(self, request, pk: int):
        comment = self.load(request, pk)
        record = comment.target
        if not services.can_delete_comment(request.user, comment):
            raise PermissionDenied("Only its author or a governance officer may delete it.")
        services.comment_delete(actor=request.user, comment=comment)
        messages.success(request, "Comment deleted; it stays in the history.")
        return HttpResponseRedirect(_record_url(record))
