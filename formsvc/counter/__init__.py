"""Counter-assisted applications (書かない窓口): staff enter applications for a resident."""
