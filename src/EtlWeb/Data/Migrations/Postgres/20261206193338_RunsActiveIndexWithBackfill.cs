using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RunsActiveIndexWithBackfill : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_Status_Id",
                table: "runs");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_Status_Id_BackfillId",
                table: "runs",
                columns: new[] { "JobId", "Status", "Id", "BackfillId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_Status_Id_BackfillId",
                table: "runs");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_Status_Id",
                table: "runs",
                columns: new[] { "JobId", "Status", "Id" });
        }
    }
}
