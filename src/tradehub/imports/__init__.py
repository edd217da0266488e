"""Bulk import of stations and partners from CSV or XLSX: every row checked, all or nothing."""
