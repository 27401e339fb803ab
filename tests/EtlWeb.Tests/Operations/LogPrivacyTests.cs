using EtlWeb.Configuration;

namespace EtlWeb.Tests.Operations;

public sealed class LogPrivacyTests
{
    [Theory]
    [InlineData("/api/hooks/whk_Zx8-q_3Lm9Kd0aPq7Ry2Vb5Nc0aPq7Ry2Vb5Nc", "/api/hooks/whk_***")]
    [InlineData("HTTP POST /api/hooks/whk_Zx8-q_3Lm9Kd0aPq7Ry2Vb5Nc0aPq7Ry2Vb5Nc responded 404", "HTTP POST /api/hooks/whk_*** responded 404")]
    [InlineData("Bearer etl_abcdefghijklmnop1234abcdefghijklmnop1234", "Bearer etl_***")]
    [InlineData("/api/runs/5/log?follow=true&access_token=abc.def", "/api/runs/5/log?follow=true&access_token=***")]
    [InlineData("/x?token=123456&api_key=k1&password=p w", "/x?token=***&api_key=***&password=*** w")]
    [InlineData("GET /api/jobs?limit=5", "GET /api/jobs?limit=5")]
    [InlineData("job etl_daily_load ran", "job etl_daily_load ran")]
    public void Tokens_and_credential_parameters_are_redacted_and_ordinary_text_is_kept(string text, string expected) =>
        Assert.Equal(expected, LogPrivacy.Redact(text));
}
