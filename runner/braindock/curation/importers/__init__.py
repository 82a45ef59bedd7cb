"""Importers: turn datasets in other standards (Brain-Score's brainio) into spec/ conforming files."""
