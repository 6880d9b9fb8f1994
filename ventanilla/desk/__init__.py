"""The agent desk: the server-rendered pages agents work in all day.

Views parse, call one action or query, and render a page or an htmx
partial. Reads start from ``directory.access``; writes go through
``tickets.actions`` (combined into one transaction in ``desk.actions`` when
one form changes several things).
"""
