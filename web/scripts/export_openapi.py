"""The gateway's merged OpenAPI document, built offline: every service's app is created in
embedded mode (nothing started, nothing listened on) and merged exactly as the gateway merges
the documents it fetches. `npm run gen:api` turns it into the web app's types."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from gateway.routing.rules import merge_openapi
from skillcert_devtools.wechatpay.keys import generate_test_keys
from skillcert_embedded.app import EmbeddedConfig, create_embedded_app


def merged_document() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as data_dir:
        # The production profile (the API a deployment serves, no development routes); its
        # payment service needs merchant keys to start, and throwaway ones do: nothing is
        # called.
        keys = generate_test_keys().payment_env(provider_base_url="https://api.mch.weixin.qq.com")
        # Likewise notification's SMS provider: production refuses the development sender.
        sms = {
            "NOTIFICATION_SMS_PROVIDER": "aliyun",
            "NOTIFICATION_ALIYUN_ACCESS_KEY_ID": "unused",
            "NOTIFICATION_ALIYUN_ACCESS_KEY_SECRET": "unused",
            "NOTIFICATION_SMS_RECEIPT_TOKEN": "x" * 32,
            "NOTIFICATION_SMS_TEMPLATES": json.dumps(
                {"sms_code": {"template_code": "SMS_0", "sign_name": "x", "params": ["code"]}}
            ),
        }
        config = EmbeddedConfig(
            data_dir=Path(data_dir), demo_password="x", environment={**keys, **sms}
        )
        app = create_embedded_app(config)
        services = {name: sub.openapi() for name, sub in app.state.service_apps.items()}
        return merge_openapi(app.state.gateway.openapi(), services)


def main() -> None:
    out = Path(sys.argv[1])
    text = json.dumps(merged_document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
