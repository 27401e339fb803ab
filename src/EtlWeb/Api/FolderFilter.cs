using EtlWeb.Core.Jobs;
using EtlWeb.Data;

namespace EtlWeb.Api;

/// <summary>The <c>folder</c> query parameter of a list: the jobs of that folder and the folders below it, and their runs.</summary>
internal static class FolderFilter
{
    /// <summary>Runs <paramref name="list"/> with what is visible narrowed to the folder; a bad folder path is a 400 naming the parameter.</summary>
    public static Task<IResult> ListAsync(string? folder, Func<Task<IResult>> list) =>
        WithPathAsync(folder, async path =>
        {
            using (FolderVisibility.Narrow(path))
            {
                return await list();
            }
        });

    /// <summary>Hands the folder's path, as stored, to <paramref name="use"/>; a bad folder path is a 400 naming the parameter.</summary>
    public static async Task<IResult> WithPathAsync(string? folder, Func<string, Task<IResult>> use)
    {
        var path = FolderPath.Normalize(folder);
        return FolderPath.Problem(path) is { } problem
            ? Results.ValidationProblem(new Dictionary<string, string[]> { ["folder"] = [problem] })
            : await use(path);
    }
}
