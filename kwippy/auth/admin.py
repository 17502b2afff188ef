from django.contrib import admin

from kwippy.auth.forms import AdminLoginForm

# The admin checks passwords too: through the same throttle as every other sign-in.
admin.site.login_form = AdminLoginForm
