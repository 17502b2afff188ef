"""A password hasher that counts how often a password is actually verified."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingMD5PasswordHasher(MD5PasswordHasher):
    verifications = 0

    def verify(self, password, encoded):
        type(self).verifications += 1
        return super().verify(password, encoded)
