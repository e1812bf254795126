"""The alliance agreement (联盟协议, 附件2) as a governed document: see services.py."""
