"""The built-in agenda templates, shipped inside the package as `workshop.exercises`.

This folder is mapped into the package by pyproject.toml (`package-dir`), so a wheel
carries the templates and an editable install reads them from here; `workshop.agenda`
finds them with `importlib.resources`. It is a regular package (this file) because
setuptools' editable installs do not find a namespace package mapped from a folder
outside its parent (pypa/setuptools#4943). The templates are the `.toml` files.
"""
