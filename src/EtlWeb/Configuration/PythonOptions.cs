using System.ComponentModel;

namespace EtlWeb.Configuration;

/// <summary>The <c>EtlWeb:Python</c> section: where the packages of Python jobs' requirements come from.</summary>
public sealed record PythonOptions
{
    public const string Section = "EtlWeb:Python";

    [Description("The package index pip installs Python jobs' requirements from (passed as --index-url), e.g. https://pypi.example.com/simple; empty means pip's default (PyPI, or what pip's own configuration says).")]
    public string PackageIndex { get; init; } = "";

    [Description("A local directory of wheel files that Python jobs' requirements are installed from, with no index at all (pip --no-index --find-links), for sites without internet; set, it wins over PackageIndex.")]
    public string WheelDirectory { get; init; } = "";
}
