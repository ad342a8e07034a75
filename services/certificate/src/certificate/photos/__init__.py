"""The holder's ID photo (白底证件照) printed on the certificate, as the application filed it."""
