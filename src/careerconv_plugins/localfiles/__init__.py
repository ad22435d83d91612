"""Embedded defaults that need no server: a folder of ticket files as the tracker
(``tracker_adapter``), and a folder of summary files as the HR record
(``hris_writer_adapter``); ``client`` writes the JSON files for both."""
