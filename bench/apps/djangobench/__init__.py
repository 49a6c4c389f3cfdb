"""Django, as a generated project would do it: async views and the Django ORM."""
