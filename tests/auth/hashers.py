"""A password hasher that counts the hashes it computes and the passwords it verifies."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingMD5PasswordHasher(MD5PasswordHasher):
    # Every hash computed: making a password (`encode`) and checking one (`verify` encodes).
    hashes = 0
    verifications = 0

    def encode(self, password, salt):
        type(self).hashes += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        type(self).verifications += 1
        return super().verify(password, encoded)
