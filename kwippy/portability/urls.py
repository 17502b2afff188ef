from django.urls import path

from kwippy.portability import views

app_name = "portability"
urlpatterns = [
    path("import/", views.import_bookmarks, name="import"),
    path("import/<int:import_id>/", views.import_progress, name="import-progress"),
    path("export/", views.export_bookmarks, name="export"),
]
