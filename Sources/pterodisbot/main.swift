print("pterodisbot")
