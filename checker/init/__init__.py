"""`mlsmoke init`: a starter mlsmoke.yml and workflow."""
