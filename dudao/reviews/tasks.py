"""Background tasks of reviews (django-tasks): the 印证材料 package."""
