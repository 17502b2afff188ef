from django.urls import path

from kwippy.portability import views

app_name = "portability"
urlpatterns = [
    path("import/", views.import_bookmarks, name="import"),
    path("export/", views.export_bookmarks, name="export"),
]
