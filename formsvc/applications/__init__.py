"""The domain core of an application: its answers, the pages a resident walks, completion.

Pure code (no Flask request, no templates): used alike by the resident and counter pages,
the staff detail, PDF records, CSV and the API.
"""
