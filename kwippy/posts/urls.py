from django.urls import path

from kwippy.posts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("popular/", views.popular, name="popular"),
    path("t/<tags:tags>/", views.tag_page, name="tag"),
    path("url/<str:public_id>/", views.link_page, name="link"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("u/<str:username>/t/<tags:tags>/", views.profile_tag, name="profile_tag"),
    path("u/<str:username>/tags/", views.profile_tags, name="profile_tags"),
    path("u/<str:username>/toread/", views.profile_to_read, name="profile_to_read"),
    path("u/<str:username>/broken/", views.profile_broken, name="profile_broken"),
    path("u/<str:username>/followers/", views.followers, name="followers"),
    path("u/<str:username>/following/", views.following, name="following"),
    path("settings/tags/", views.tag_manage, name="tag_manage"),
    path("people/", views.people, name="people"),
    path("search/", views.search, name="search"),
    path("add/", views.post_add, name="post_add"),
    path("p/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("p/bulk/", views.posts_bulk, name="posts_bulk"),
    path("p/<int:post_id>/read/", views.post_mark_read, name="post_mark_read"),
    path("p/<int:post_id>/new-address/", views.post_use_new_address, name="post_use_new_address"),
]
