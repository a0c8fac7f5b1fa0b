"""Stage 3, report: where the HTML of the narrative report is made.

:mod:`sections` builds each section of the LKjIP BAB III analysis from results and config,
:mod:`narrative` the generated sentences, :mod:`charts` the SVG charts, :mod:`html` the
escaped building blocks. Never imports the publish stage.
"""
