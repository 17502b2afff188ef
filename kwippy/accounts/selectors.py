"""Reads of people by the names they go by, compared folded (see identifiers.py)."""

from django.db.models import F, FilteredRelation, Q, QuerySet

from kwippy.accounts.identifiers import identifier_fold
from kwippy.accounts.models import ChangeStamp, Follow, FollowerCount, User


def users_named(*, username: str) -> QuerySet[User]:
    """Return the account (none or one) whose username is `username`, folded."""
    return User.objects.filter(username_folded=identifier_fold(username))


def users_with_email(*, email: str) -> QuerySet[User]:
    """Return the accounts whose e-mail address is `email`, folded."""
    return User.objects.filter(email_folded=identifier_fold(email))


def person_get(*, username: str) -> User | None:
    """Return the active account whose username is `username`, folded; None if there is none.

    Every page, feed and follow that names a person by username finds them here, the rule written
    once in person_get_for_page (the person comes with what it reads beside them, and
    `followed_by_viewer` false).
    """
    return person_get_for_page(username=username, viewer=None)


# One statement, written out: built by the ORM from annotations and subqueries, this query cost
# more to compile on every page than the three simple ones it replaces cost to run.
_PERSON_FOR_PAGE_SQL = f"""
SELECT person.*,
    stamp.posts AS posts_changed,
    stamp.public_posts AS public_posts_changed,
    coalesce(followers.followers, 0) AS followers_total,
    (SELECT count(*) FROM {Follow._meta.db_table} WHERE follower_id = person.id)
        AS following_total,
    EXISTS (SELECT 1 FROM {Follow._meta.db_table}
            WHERE follower_id = %(viewer)s AND followee_id = person.id) AS followed_by_viewer
FROM {User._meta.db_table} AS person
LEFT JOIN {ChangeStamp._meta.db_table} AS stamp ON stamp.user_id = person.id
LEFT JOIN {FollowerCount._meta.db_table} AS followers ON followers.user_id = person.id
WHERE person.username_folded = %(folded)s AND person.is_active
"""


def person_get_for_page(*, username: str, viewer: User | None) -> User | None:
    """Return the active account whose username is `username`, folded (None if there is none;
    PostgreSQL text cannot hold a NUL, so a name with one names nobody), with what the top of
    their pages shows, read in the same query rather than in three: when their posts last
    changed as they see them (`posts_changed`) and as others do (`public_posts_changed`; both
    None before the first change, accounts.changes), how many follow them (`followers_total`,
    kept by the database) and they follow
    (`following_total`), and whether `viewer` follows them (`followed_by_viewer`)."""
    if "\x00" in username:
        return None
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    params = {"folded": identifier_fold(username), "viewer": viewer_id}
    return next(iter(User.objects.raw(_PERSON_FOR_PAGE_SQL, params)), None)


def users_directory() -> QuerySet[User]:
    """Return every active account, each with `follower_total`: how many follow them.

    The count is the one the database keeps (`FollowerCount`): sorted by it, a page of the most
    followed is read from an index, not counted from every follow.
    """
    # Every account has its count (a trigger writes it): the inner join drops nobody.
    return User.objects.filter(is_active=True, follower_count__isnull=False).annotate(
        follower_total=F("follower_count__followers")
    )


def _users_by_follow(relation: str, condition: Q) -> QuerySet[User]:
    # The active people at one end of the follows `condition` names, with the follow's date.
    follow = FilteredRelation(relation, condition=condition)
    return (
        User.objects.annotate(follow=follow)
        .filter(is_active=True, follow__isnull=False)
        .annotate(followed_at=F("follow__created"))
    )


def users_following(*, user: User) -> QuerySet[User]:
    """Return the active people who follow `user`, each with `followed_at`: since when."""
    return _users_by_follow("following_set", Q(following_set__followee=user))


def users_followed_by(*, user: User) -> QuerySet[User]:
    """Return the active people `user` follows, each with `followed_at`: since when."""
    return _users_by_follow("follower_set", Q(follower_set__follower=user))
