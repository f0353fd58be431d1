"""The global search page, /search/?q= (mounted by aims.web_urls as aims:search)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from .selectors import global_search


class SearchView(LoginRequiredMixin, View):
    template_name = "search/results.html"

    def get(self, request):
        query = request.GET.get("q", "")
        results = global_search(user=request.user, query=query)
        # An exact reference of one record the user may see: straight to it (the results page
        # stays one "back" away through ?all=1).
        if results.exact is not None and request.GET.get("all") != "1":
            return HttpResponseRedirect(results.exact.url)
        return render(request, self.template_name, {"results": results, "query": results.query})
