"""SMS providers: Aliyun and Tencent Cloud over their signed HTTP APIs, the development
sender, and the providers' delivery receipts."""
