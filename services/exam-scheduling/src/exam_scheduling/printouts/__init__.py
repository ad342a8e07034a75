"""Room printouts (考场打印件): sign-in sheet, desk labels, door label; a zip per site."""
