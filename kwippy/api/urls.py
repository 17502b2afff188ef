from django.urls import re_path

from kwippy.api import views

# One pattern for every method, slash or no slash: see the views module.
urlpatterns = [re_path(r"^(?P<method>.*)$", views.api, name="api")]
