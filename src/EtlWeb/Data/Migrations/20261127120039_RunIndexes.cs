using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_Id_Finished",
                table: "runs",
                columns: new[] { "JobId", "Id" },
                filter: "\"FinishedAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_Status_Id",
                table: "runs",
                columns: new[] { "JobId", "Status", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_Id_Finished",
                table: "runs");

            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_Status_Id",
                table: "runs");
        }
    }
}
